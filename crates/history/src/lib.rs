//! callpop-history: the call history (work in progress).

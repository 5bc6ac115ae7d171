//! callpop-contacts: caller lookup (work in progress).

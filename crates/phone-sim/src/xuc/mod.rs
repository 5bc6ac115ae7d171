//! A simulated XiVO xuc server (work in progress).

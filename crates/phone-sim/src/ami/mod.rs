//! A simulated Asterisk Manager Interface (work in progress).

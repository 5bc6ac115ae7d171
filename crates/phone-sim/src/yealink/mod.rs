//! A simulated Yealink phone: Action URI control and Action URL pushes (work in progress).

//! The [`EventStream`] the session follows: the resync snapshot first, then what the reading
//! task reports, then the reason the connection ended.

use super::link::{lock, Link};
use crate::backend::{EventStream, Report};
use crate::error::PhoneError;
use crate::model::Line;
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The connection the backend's actions use, while one is up.
pub(crate) type Current = Arc<Mutex<Option<Arc<Link>>>>;

pub(crate) struct AmiStream {
    pub first: Option<Vec<Line>>,
    pub reports: mpsc::Receiver<Result<Report, PhoneError>>,
    pub reading: JoinHandle<()>,
    pub link: Arc<Link>,
    pub current: Current,
}

#[async_trait]
impl EventStream for AmiStream {
    async fn next(&mut self) -> Result<Report, PhoneError> {
        if let Some(lines) = self.first.take() {
            return Ok(Report::Lines(lines));
        }
        match self.reports.recv().await {
            Some(report) => report,
            None => Err(self.link.broken_error()),
        }
    }
}

/// The session let go of the connection (it broke, or the session stops): close it, and let
/// actions know at once rather than time out on it.
impl Drop for AmiStream {
    fn drop(&mut self) {
        self.reading.abort();
        self.link
            .break_with(super::errors::not_connected(self.link.address()));
        let mut current = lock(&self.current);
        if current
            .as_ref()
            .is_some_and(|link| Arc::ptr_eq(link, &self.link))
        {
            *current = None;
        }
    }
}

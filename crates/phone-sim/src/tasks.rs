//! Ownership of every background task of one simulated phone.
//!
//! The server, the key player, the push sender, the demo and all call timers are spawned here,
//! so dropping or shutting down a `PhoneSim` stops them all at once: nothing keeps answering on
//! a port after the test that started it has ended. Tasks are spawned on the runtime that
//! started the simulator, so the synchronous control methods also work from other threads.

use std::future::Future;
use std::sync::Mutex;

use tokio::runtime::Handle;
use tokio::task::JoinSet;

use crate::error::SimError;
use crate::sync::lock;

/// A set of tasks that can be aborted together.
#[derive(Debug)]
pub(crate) struct TaskSet {
    runtime: Handle,
    /// `None` once shut down: later spawns are dropped instead of outliving the simulator.
    tasks: Mutex<Option<JoinSet<()>>>,
}

impl TaskSet {
    /// An empty set spawning on the current Tokio runtime; fails outside one.
    pub(crate) fn new() -> Result<TaskSet, SimError> {
        let runtime = Handle::try_current().map_err(|_| SimError::NoRuntime)?;
        Ok(TaskSet {
            runtime,
            tasks: Mutex::new(Some(JoinSet::new())),
        })
    }

    /// Runs `task` in the background until it ends or the set shuts down.
    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let mut guard = lock(&self.tasks);
        let Some(set) = guard.as_mut() else {
            return;
        };
        // Reap finished tasks so that a long-running simulator does not accumulate them.
        while set.try_join_next().is_some() {}
        set.spawn_on(task, &self.runtime);
    }

    /// Aborts every task now, without waiting (for `Drop`).
    pub(crate) fn abort_all(&self) {
        // Take the set out first: nothing may run under the lock while tasks are cancelled.
        let set = lock(&self.tasks).take();
        if let Some(mut set) = set {
            set.abort_all();
        }
    }

    /// Aborts every task and waits until all have stopped.
    pub(crate) async fn shutdown(&self) {
        let set = lock(&self.tasks).take();
        if let Some(mut set) = set {
            set.shutdown().await;
        }
    }
}

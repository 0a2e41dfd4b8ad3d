//! Evaluations off the async workers. Evaluating a facts document is CPU work (milliseconds for
//! an ordinary enterprise, far more for a document stuffed with events): done on the request's
//! async worker, a few such requests stall everything else the server does, `/api/health`
//! included. Here evaluations run on the blocking pool, a bounded number at a time; beyond a
//! short queue the caller is told to come back (503), and a document may carry only so many
//! events (422).

use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// The most events one calculator request may carry: far above any real enterprise's year
/// (dozens), far below what would tie a core up for seconds.
pub const MAX_EVENTS: usize = 1000;
/// Evaluations waiting for a slot before further ones are refused.
const MAX_WAITING: usize = 64;

/// Bounds the evaluations computed at once.
#[derive(Debug)]
pub struct Gate {
    slots: Semaphore,
    waiting: AtomicUsize,
}

/// Too many evaluations at once.
#[derive(Debug)]
pub struct Busy;

impl Default for Gate {
    fn default() -> Gate {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        Gate { slots: Semaphore::new(n), waiting: AtomicUsize::new(0) }
    }
}

impl Gate {
    /// Runs `f` on the blocking pool once a slot is free.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        let permit = self.slots.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.map_err(|_| Busy)?;
        tokio::task::spawn_blocking(f).await.map_err(|_| Busy)
    }
}

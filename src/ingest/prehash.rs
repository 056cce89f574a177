//! Content hashes of the input files, computed ahead on a thread of their own while the
//! database is opened and checked: by the time the ingest asks whether a file is
//! unchanged since an earlier batch, its hash is (mostly) known.
//!
//! Hashing is most of what re-ingesting an unchanged file costs (SHA-256 of 164 MB: about
//! 0.12 s), and opening a database checks it first (about 0.05 s at 1M facts, see
//! `db::check_intact`): side by side, the two take the longer of their times, not the sum.
//! The work is speculative: the ingest stops it as soon as it knows which hashes it needs
//! (none, when no earlier batch is of the file's kind), so a first load loses at most the
//! database's opening time on the other core, before any file is read.

use super::input::{self, Input};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// The hashes being computed ahead, in input order.
#[derive(Debug)]
pub struct Prehash {
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Set once the ingest needs no more hashes: the file being hashed is abandoned.
    stop: AtomicBool,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<PathBuf>,
    hashing: Option<PathBuf>,
    done: HashMap<PathBuf, String>,
}

impl Prehash {
    /// Starts hashing every input that is a regular file.
    pub fn start(inputs: &[Input]) -> Prehash {
        let queue = inputs
            .iter()
            .filter_map(|i| match i {
                Input::File(path) if path.is_file() => Some(path.clone()),
                _ => None,
            })
            .collect();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue,
                ..State::default()
            }),
            ..Shared::default()
        });
        let worker = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("amzdb-prehash".into())
                .spawn(move || work(&shared))
                .ok()
        };
        Prehash { shared, worker }
    }

    /// The SHA-256 of `path` if it was hashed ahead (waiting for it if it is being
    /// hashed now); None when it was not, or could not be read: the caller hashes it
    /// itself, and reports a read error with the file's name.
    pub fn sha256(&self, path: &Path) -> Option<String> {
        let mut state = lock(&self.shared.state);
        loop {
            if let Some(hash) = state.done.remove(path) {
                return Some(hash);
            }
            if state.hashing.as_deref() == Some(path) {
                state = self
                    .shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                continue;
            }
            // Not started: the caller hashes it now, rather than wait behind other files.
            state.queue.retain(|queued| queued != path);
            return None;
        }
    }

    /// No more hashes are needed: drops the rest and abandons the file being hashed.
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        let mut state = lock(&self.shared.state);
        state.queue.clear();
        state.done.clear();
    }
}

impl Drop for Prehash {
    fn drop(&mut self) {
        self.stop();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn work(shared: &Shared) {
    loop {
        let path = {
            let mut state = lock(&shared.state);
            let Some(path) = state.queue.pop_front() else {
                return;
            };
            state.hashing = Some(path.clone());
            path
        };
        let hash = input::sha256_of_file_until(&path, &shared.stop);
        let mut state = lock(&shared.state);
        state.hashing = None;
        if let Some(hash) = hash {
            state.done.insert(path, hash);
        }
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_ahead_what_the_ingest_would_hash_itself() {
        let dir = std::env::temp_dir().join(format!("amzdb-prehash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
        std::fs::write(&a, "x".repeat(1 << 20)).unwrap();
        std::fs::write(&b, "y,z\n").unwrap();
        let inputs = [Input::File(a.clone()), Input::File(b.clone())];
        let prehash = Prehash::start(&inputs);
        // Asked for in another order than hashed: each is the hash of its own bytes.
        for path in [&b, &a] {
            let expected = input::sha256_of_path(path).unwrap();
            match prehash.sha256(path) {
                Some(hash) => assert_eq!(hash, expected),
                // Not started yet: the caller hashes it; asking again gives nothing.
                None => assert_eq!(prehash.sha256(path), None),
            }
        }
        prehash.stop();
        assert_eq!(prehash.sha256(&a), None, "a stopped prehash has nothing");
        drop(prehash);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

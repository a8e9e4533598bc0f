//! A reader thread for capture files: it copies the file into a few fixed buffers with
//! `read` while the analysis thread parses the previous ones.
//!
//! On a cached file, reading costs one kernel copy per byte (everything `cat` does) and
//! parsing costs about as much again; two threads overlap the two, so quietwire reads a
//! capture in little more than the time of the copy. The analysis itself stays on one
//! thread, in packet order. Memory is bounded: [`PIPE_CHUNKS`] buffers of
//! [`PIPE_HEAD`] + [`PIPE_CHUNK`] bytes circulate between the two threads, and only a
//! record larger than [`PIPE_HEAD`] (never seen from libpcap, whose snapshot length is
//! at most 256 KiB) makes one buffer grow, up to the record limit of the reader.
//!
//! A memory map was measured and rejected here: on the project's machines, walking a
//! mapped 1 GB capture cost twice the user time of walking the same bytes just copied
//! into a buffer (the mapped pages are cold in every cache and TLB, and prefetching did
//! not help), and a map faults (SIGBUS) when another program truncates the file.

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Bytes read per chunk: big enough that the hand-over costs nothing per byte, small
/// enough for a chunk to still be in the shared cache when the parser reaches it.
pub const PIPE_CHUNK: usize = 128 << 10;
/// Room kept in front of each chunk for the unread end of the previous one (a record cut
/// by the chunk boundary), so it can be joined to its rest without moving the chunk.
pub const PIPE_HEAD: usize = 64 << 10;
/// Buffers circulating between the reader thread and the parser.
pub const PIPE_CHUNKS: usize = 6;

type Chunk = io::Result<Vec<u8>>;

/// Unread bytes of a file, refilled from the reader thread.
pub(super) struct Piped {
    chunks: Option<Receiver<Chunk>>,
    free: Option<SyncSender<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    cur: Vec<u8>,
    start: usize,
    end: usize,
    offset: u64,
    eof: bool,
}

impl Piped {
    /// Starts reading `file` on a new thread. Only for regular files: a read from a pipe
    /// may block forever, and the thread is joined when `Piped` is dropped.
    pub(super) fn new(mut file: File) -> io::Result<Piped> {
        let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(PIPE_CHUNKS);
        let (free_tx, free_rx) = sync_channel::<Vec<u8>>(PIPE_CHUNKS + 1);
        for _ in 0..PIPE_CHUNKS {
            let _ = free_tx.try_send(Vec::with_capacity(PIPE_HEAD + PIPE_CHUNK));
        }
        let reader = std::thread::Builder::new().name("quietwire-read".into()).spawn(move || {
            // Ends when the file ends, on an error, or when the parser hangs up.
            while let Ok(mut buf) = free_rx.recv() {
                // Only a buffer that grew for a huge record is shrunk; the bytes already
                // there are overwritten, not cleared (clearing would cost a memset per chunk).
                buf.truncate(PIPE_HEAD + PIPE_CHUNK);
                buf.shrink_to(PIPE_HEAD + PIPE_CHUNK);
                buf.resize(PIPE_HEAD + PIPE_CHUNK, 0);
                let mut got = 0;
                let mut error = None;
                while got < PIPE_CHUNK {
                    match file.read(&mut buf[PIPE_HEAD + got..]) {
                        Ok(0) => break,
                        Ok(k) => got += k,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            error = Some(e);
                            break;
                        }
                    }
                }
                buf.truncate(PIPE_HEAD + got);
                let last = got < PIPE_CHUNK || error.is_some();
                if got > 0 && chunk_tx.send(Ok(buf)).is_err() {
                    return;
                }
                if let Some(e) = error {
                    let _ = chunk_tx.send(Err(e));
                }
                if last {
                    return;
                }
            }
        })?;
        Ok(Piped {
            chunks: Some(chunk_rx),
            free: Some(free_tx),
            reader: Some(reader),
            cur: Vec::new(),
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
        })
    }

    fn recycle(&self, buf: Vec<u8>) {
        if let Some(free) = &self.free {
            let _ = free.try_send(buf);
        }
    }

    pub(super) fn fill_to(&mut self, n: usize) -> io::Result<()> {
        while self.end - self.start < n && !self.eof {
            let next = match self.chunks.as_ref().map(Receiver::recv) {
                Some(Ok(Ok(next))) => next,
                Some(Ok(Err(e))) => return Err(e),
                // The reader has finished: everything it read was handed over.
                Some(Err(_)) | None => {
                    self.eof = true;
                    break;
                }
            };
            let left = self.end - self.start;
            if left <= PIPE_HEAD {
                let mut next = next;
                next[PIPE_HEAD - left..PIPE_HEAD].copy_from_slice(&self.cur[self.start..self.end]);
                let old = std::mem::replace(&mut self.cur, next);
                self.start = PIPE_HEAD - left;
                self.end = self.cur.len();
                self.recycle(old);
            } else {
                // One record larger than the head room: grow the current buffer (bounded
                // by the caller's record limit).
                self.cur.drain(..self.start);
                self.cur.extend_from_slice(&next[PIPE_HEAD..]);
                self.start = 0;
                self.end = self.cur.len();
                self.recycle(next);
            }
        }
        Ok(())
    }

    pub(super) fn available(&self) -> &[u8] {
        &self.cur[self.start..self.end]
    }

    pub(super) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.offset += n as u64;
    }

    pub(super) fn offset(&self) -> u64 {
        self.offset
    }
}

impl Drop for Piped {
    fn drop(&mut self) {
        // Hang up both ways first, so a reader waiting to hand over a chunk or for a free
        // buffer stops.
        self.chunks = None;
        self.free = None;
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

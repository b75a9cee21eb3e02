//! Everything git: the staged index and the history as sources, and the repository access
//! they share. No other module uses git2 or gix (a test checks it).
//!
//! | what | library | why |
//! | --- | --- | --- |
//! | find and open a repository, config (`core.hooksPath`), remotes | git2 | mature discovery (worktrees, `-C`, bare) |
//! | refs and the topological revision walk (`history/select`) | git2 | 0.2 s on cargo's 23,800 commits; gix-traverse's topo walk took 1.2 s |
//! | staged fallback: index-to-HEAD diff with rename detection, and added lines (`diff`) | git2 | similarity detection gix lacks a stable API for; runs only when the fast path cannot decide |
//! | read commits, trees, blobs and object sizes (`objects`) | gix-odb, gix-object | a handle and delta cache per thread: with libgit2 two threads spent their time on shared pack locks and were slower than one |
//! | pack order of blobs (`pack_order`) | gix-pack | reads the `.idx` files only; pack order made reading cargo's 58k blobs 3.5 s -> 1.6 s |
//! | policy files of a commit, and which of them a range changes (`policy`) | git2 | a few small reads per run |
//! | the tracked files under a directory, for a tree scan (`tracked`) | gix-index | the same reader; libgit2 for a split index |
//! | the index and its cache tree (`index`) | gix-index | no re-hash of the index file: libgit2 spent 25 ms of a 41 ms staged scan hashing a 50,000-entry index |
//! | clone and fetch repositories named by URL (`remote`, for `audit`) | the `git` program | the credential helpers, SSH agent and proxies an organisation has set up already |
//! | an incremental history scan's record (`history/cache`) | none | ids and paths in a checksummed file, one per repository |
//!
//! Ids are gix [`objects::ObjectId`]s everywhere after the revision walk; git2 ids are
//! converted once, where git2 hands them over.

// zlib-rs exports the zlib C API; linking it makes libgit2 inflate with it (1.4x faster
// than the system zlib on pack data).
use libz_rs_sys as _;

pub mod dates;
pub mod diff;
pub mod history;
pub mod index;
pub mod objects;
pub mod pack_order;
pub mod policy;
pub mod remote;
pub mod repo;
pub mod staged;
pub mod tracked;

pub use repo::Repo;

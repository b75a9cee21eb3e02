//! Keeping a history scan's resident memory near what it uses. With glibc, each thread
//! allocates from its own arena and memory freed in an arena stays mapped: on git/git the
//! walk's per-segment sets and job lists were freed before the blob scan, yet the process
//! kept ~180 MiB of anonymous memory for a heap that peaked at 85 MiB (massif). So the scan
//! caps the arenas at three (two cost 1 s of lock contention on git/git; unlimited, 35 MiB
//! more) and hands freed memory back after the walk. Elsewhere (musl, macOS, Windows) these
//! are no-ops.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
        fn malloc_trim(pad: usize) -> i32;
    }
    /// glibc's `M_ARENA_MAX`.
    const M_ARENA_MAX: i32 = -8;

    pub fn limit_arenas() {
        // SAFETY: mallopt only sets an allocator parameter; called before the scan's
        // threads allocate, any value is valid.
        unsafe {
            mallopt(M_ARENA_MAX, 3);
        }
    }

    pub fn release_freed() {
        // SAFETY: malloc_trim only returns free pages to the kernel; it is thread-safe.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// At most three allocator arenas for the rest of the process.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::limit_arenas();
}

/// Returns memory freed so far to the kernel.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::release_freed();
}

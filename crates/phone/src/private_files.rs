//! Files and folders only their owner may read: the settings (a contact source's or a phone's
//! login may be written in them by hand) and the rejected-login memory. On Unix they are
//! created with mode 0600 and folders with 0700; elsewhere the user's profile folder already
//! keeps them private.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::Path;

/// `options`, creating the file readable and writable by its owner only.
#[cfg(unix)]
pub(crate) fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt as _;
    options.mode(0o600)
}

/// `options`, creating the file readable and writable by its owner only.
#[cfg(not(unix))]
pub(crate) fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
    options
}

/// Creates `dir` and its parents, each new one accessible by its owner only.
#[cfg(unix)]
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Creates `dir` and its parents, each new one accessible by its owner only.
#[cfg(not(unix))]
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

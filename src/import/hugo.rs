//! hugo (in progress)
use std::path::Path;
pub fn import(
    _e: &Path,
    _i: &Path,
    _p: bool,
) -> Result<super::Report, crate::diagnostics::Diagnostic> {
    todo!()
}

//! Files written for the user: where exports go (the download directory), a name that keeps an
//! earlier export, and what the UI is told about the file written.

use crate::dto::SavedFile;
use crate::error::{AppError, AppResult, ErrorKind};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime};

/// Where exported files go when a test (or an embedding) decides it; otherwise `SHOUWANG_EXPORT_DIR`,
/// the user's download directory, the app data directory.
pub struct ExportDir(pub PathBuf);

/// The directory exported files go to (created if missing).
pub fn export_dir<R: Runtime>(app: &AppHandle<R>) -> AppResult<PathBuf> {
    let dir = if let Some(dir) = app.try_state::<ExportDir>() {
        dir.0.clone()
    } else if let Some(dir) = std::env::var_os("SHOUWANG_EXPORT_DIR").filter(|d| !d.is_empty()) {
        PathBuf::from(dir)
    } else {
        match app.path().download_dir().or_else(|_| app.path().app_data_dir()) {
            Ok(dir) => dir,
            Err(e) => {
                return Err(AppError::new(
                    ErrorKind::Failed,
                    Some("file"),
                    format!("找不到可写入的下载目录：{e}"),
                    format!("no download directory to write to: {e}"),
                ));
            }
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        AppError::new(
            ErrorKind::Failed,
            Some("file"),
            format!("无法创建目录 {}：{e}", dir.display()),
            format!("cannot create the directory {}: {e}", dir.display()),
        )
    })?;
    Ok(dir)
}

/// Characters a file name cannot hold on Windows, Android or Linux.
fn safe_name(text: &str) -> String {
    text.chars().map(|c| if r#"/\:*?"<>|"#.contains(c) || c.is_control() { '_' } else { c }).collect()
}

/// `dir/<stem>.<ext>`, or `dir/<stem>-2.<ext>`… when that file exists: an earlier export is kept.
pub fn free_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let stem = safe_name(stem);
    let first = dir.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..).map(|n| dir.join(format!("{stem}-{n}.{ext}"))).find(|p| !p.exists()).expect("some free name")
}

/// What the UI is told about a written file.
pub fn saved(path: &Path) -> SavedFile {
    SavedFile {
        path: path.display().to_string(),
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    }
}

/// Writes `bytes` as `<stem>.<ext>` into the export directory (an earlier file of that name is kept).
pub fn write<R: Runtime>(app: &AppHandle<R>, stem: &str, ext: &str, bytes: &[u8]) -> AppResult<SavedFile> {
    let path = free_path(&export_dir(app)?, stem, ext);
    std::fs::write(&path, bytes).map_err(|e| {
        AppError::new(
            ErrorKind::Failed,
            Some("file"),
            format!("无法写入文件：{e}"),
            format!("cannot write the file: {e}"),
        )
    })?;
    Ok(saved(&path))
}

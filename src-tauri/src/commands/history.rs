//! The main window's "Recent calls": the call history, searched and kept.

use super::error::{CommandError, CommandResult};
use crate::app::{phones, AppState};
use crate::i18n::tr;
use callpop_history::{CallId, CallQuery, CallRecord, History, PageCursor, MAX_PAGE_SIZE};
use callpop_phone::error::Params;
use callpop_phone::number;
use serde::Serialize;
use std::sync::Arc;
use tauri::{AppHandle, State};

fn history(state: &AppState) -> CommandResult<Arc<History>> {
    state
        .history()
        .ok_or_else(|| CommandError::app("no_history", Params::new()))
}

/// Runs a history call off the GUI thread.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, callpop_history::HistoryError> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(job)
        .await
        .map_err(|e| CommandError::new("history", e.to_string()))?
        .map_err(|e| CommandError::new("history", e.to_string()))
}

/// A call of the history as the list shows it.
#[derive(Serialize)]
pub struct CallRow {
    #[serde(flatten)]
    record: CallRecord,
    /// The number formatted for people, with today's dialing rules.
    display_number: String,
    /// The phone it was on, by its current name (empty when that phone is gone).
    phone_name: String,
}

#[derive(Serialize)]
pub struct CallRows {
    calls: Vec<CallRow>,
    next: Option<PageCursor>,
}

/// Newest first; `after` continues from the previous page.
#[tauri::command]
pub async fn list_calls(
    state: State<'_, AppState>,
    query: CallQuery,
    after: Option<PageCursor>,
    limit: Option<usize>,
) -> CommandResult<CallRows> {
    let h = history(&state)?;
    let limit = limit.unwrap_or(50).clamp(1, MAX_PAGE_SIZE);
    let page = blocking(move || h.list(&query, after, limit)).await?;
    let settings = state.settings();
    let calls = page
        .calls
        .into_iter()
        .map(|record| CallRow {
            display_number: number::format_for_display(&record.number, &settings.dialing),
            phone_name: settings
                .phones
                .iter()
                .find(|p| p.id.as_str() == record.key.device_id)
                .map(|p| p.display_name())
                .unwrap_or_default(),
            record,
        })
        .collect();
    Ok(CallRows {
        calls,
        next: page.next,
    })
}

#[tauri::command]
pub async fn set_call_note(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    note: String,
) -> CommandResult<()> {
    let h = history(&state)?;
    let note: String = note.chars().take(2000).collect();
    blocking(move || h.set_note(CallId(id), &note)).await?;
    phones::publish(&app);
    Ok(())
}

/// "Done": these missed calls need nothing more.
#[tauri::command]
pub async fn mark_calls_done(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<i64>,
) -> CommandResult<usize> {
    let h = history(&state)?;
    let ids: Vec<CallId> = ids.into_iter().map(CallId).collect();
    let n = blocking(move || h.mark_resolved(&ids)).await?;
    phones::publish(&app);
    Ok(n)
}

/// The list showed these calls: they are no longer new.
#[tauri::command]
pub async fn mark_calls_seen(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<usize> {
    let h = history(&state)?;
    let ids: Vec<CallId> = ids.into_iter().map(CallId).collect();
    blocking(move || h.mark_seen(&ids)).await
}

/// Writes the calls the query finds to a CSV file in the Downloads folder; returns its path.
#[tauri::command]
pub async fn export_calls(state: State<'_, AppState>, query: CallQuery) -> CommandResult<String> {
    let h = history(&state)?;
    let folder = dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| CommandError::new("export", tr("app-export-no-folder", &[])))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = folder.join(format!("callpop-calls-{stamp}.csv"));
    let target = path.clone();
    let cannot = |e: std::io::Error| {
        CommandError::new(
            "export",
            tr(
                "app-export-failed",
                &[
                    ("path", target.display().to_string().into()),
                    ("reason", e.to_string().into()),
                ],
            ),
        )
    };
    std::fs::create_dir_all(&folder).map_err(cannot)?;
    let file = std::fs::File::create(&path).map_err(cannot)?;
    blocking(move || h.export_csv(&query, std::io::BufWriter::new(file))).await?;
    Ok(path.display().to_string())
}

//! "Test connection" for a Grandstream phone.

use super::cti::CtiClient;
use crate::backend::ConnectionReport;
use crate::error::PhoneError;

/// Checks a phone the way the settings' "Test connection" needs: the model first (no passcode
/// travels, and an unknown HTTPS certificate is reported here), then a real authenticated
/// read, then the accounts (optional: older firmware lacks them).
pub(crate) async fn test_connection(client: &CtiClient) -> Result<ConnectionReport, PhoneError> {
    let model = match client.model().await {
        Ok(m) => m.model,
        // Some firmware hides the file; the authenticated read below still decides.
        Err(PhoneError::NotSupported { .. }) | Err(PhoneError::UnexpectedAnswer { .. }) => {
            String::new()
        }
        Err(e) => return Err(e),
    };
    let lines = client.line_status().await?;
    let accounts = match client.accounts().await {
        Ok(a) => a,
        Err(PhoneError::NotSupported { .. } | PhoneError::CommandRefused { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    let name = if model.is_empty() {
        "the phone".to_owned()
    } else {
        model.clone()
    };
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut message = format!(
        "Connected to {name}: {}",
        plural(lines.len(), "line", "lines")
    );
    if !accounts.is_empty() {
        message.push_str(&format!(
            ", {}",
            plural(accounts.len(), "account", "accounts")
        ));
    }
    message.push('.');
    Ok(ConnectionReport {
        model,
        lines: lines.len(),
        message,
    })
}

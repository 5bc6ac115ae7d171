//! Reading the answer to `phonecfg=get`: the model, the firmware and Do Not Disturb.
//!
//! Yealink's guides name the request but not the layout of its answer, so it is read
//! leniently: `Key=Value` or `Key: Value` lines, names compared without case, `_`, `-` or
//! spaces. Whatever is missing is unknown (`None`), never an error; an HTML page instead of
//! text (a login page, an error page) is an unexpected answer.

use crate::error::PhoneError;

/// What `phonecfg=get` told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneConfig {
    /// `T54W`; empty when not said.
    pub model: String,
    pub firmware: String,
    /// Do Not Disturb, when the answer says.
    pub dnd: Option<bool>,
    /// How many SIP accounts it listed.
    pub accounts: usize,
}

/// Reads `text`; `host` and `secret` are for the error about an HTML answer.
pub fn parse_phone_config(text: &str, host: &str, secret: &str) -> Result<PhoneConfig, PhoneError> {
    let start = text.trim_start().to_ascii_lowercase();
    if start.starts_with("<!doctype") || start.starts_with("<html") || start.contains("<form") {
        return Err(PhoneError::UnexpectedAnswer {
            host: host.to_owned(),
            function: "phonecfg=get".to_owned(),
            excerpt: crate::error::excerpt(text, Some(secret)),
        });
    }
    let mut config = PhoneConfig::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let key: String = key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let value = value.trim();
        match key.as_str() {
            "model" | "phonemodel" | "productname" => config.model = value.to_owned(),
            "firmware" | "firmwareversion" | "fwversion" | "version" => {
                config.firmware = value.to_owned()
            }
            k if k.starts_with("account") => config.accounts += 1,
            k if k.contains("dnd") || k.contains("donotdisturb") => {
                if let Some(on) = flag(value) {
                    config.dnd = Some(on);
                }
            }
            _ => {}
        }
    }
    Ok(config)
}

fn flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "true" | "yes" | "enable" | "enabled" => Some(true),
        "0" | "off" | "false" | "no" | "disable" | "disabled" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_can_and_leaves_the_rest_unknown() {
        let config = parse_phone_config(
            "Model=T54W\nFirmware=96.86.0.70\nDND=1\nAccount1=1001|1001|Desk|sip:1001@pbx|1\nAccount2=1002|1002|Desk|sip:1002@pbx|1\n",
            "h",
            "",
        )
        .expect("text");
        assert_eq!(config.model, "T54W");
        assert_eq!(config.firmware, "96.86.0.70");
        assert_eq!(config.dnd, Some(true));
        assert_eq!(config.accounts, 2);
        let other = parse_phone_config("dnd_enable: off\r\nphone model: SIP-T46S\n", "h", "")
            .expect("text");
        assert_eq!((other.dnd, other.model.as_str()), (Some(false), "SIP-T46S"));
        assert_eq!(parse_phone_config("OK\n", "h", "").expect("text").dnd, None);
    }

    #[test]
    fn an_html_page_is_not_an_answer() {
        let err = parse_phone_config(
            "<!DOCTYPE html><html><form>pw=s3cret</form>",
            "10.0.0.5",
            "s3cret",
        )
        .expect_err("html");
        assert_eq!(err.kind(), "unexpected_answer");
        assert!(!err.to_string().contains("s3cret"));
    }
}

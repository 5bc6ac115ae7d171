//! The catalog of callpop's words (Fluent), shared by the pages and the Rust side.
//!
//! The `.ftl` files live with the pages (`ui/i18n/<locale>/`) and are compiled into the
//! binary, so the app, the command line and the pages always agree. The locale follows the
//! system (`LC_ALL`, `LC_MESSAGES`, `LANG`), English where a translation lacks a message.

use serde::Serialize;

/// Every file of a locale, concatenated (Fluent reads them as one resource).
macro_rules! catalog_of {
    ($locale:literal) => {
        concat!(
            include_str!(concat!("../../ui/i18n/", $locale, "/common.ftl")),
            "\n",
            include_str!(concat!("../../ui/i18n/", $locale, "/main.ftl")),
            "\n",
            include_str!(concat!("../../ui/i18n/", $locale, "/call.ftl")),
            "\n",
            include_str!(concat!("../../ui/i18n/", $locale, "/settings.ftl")),
            "\n",
            include_str!(concat!("../../ui/i18n/", $locale, "/app.ftl")),
        )
    };
}

const EN: &str = catalog_of!("en");

/// The locales callpop speaks.
pub const LOCALES: [&str; 1] = ["en"];

/// A catalog as the pages load it.
#[derive(Serialize)]
pub struct Catalog {
    pub locale: &'static str,
    pub messages: &'static str,
    pub fallback: &'static str,
}

/// The system's locale, narrowed to one callpop speaks.
pub fn system_locale() -> &'static str {
    "en"
}

pub fn catalog(locale: &str) -> Catalog {
    let locale = LOCALES
        .iter()
        .copied()
        .find(|l| *l == locale)
        .unwrap_or("en");
    Catalog {
        locale,
        messages: EN,
        fallback: EN,
    }
}

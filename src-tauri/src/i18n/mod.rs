//! The catalog of callpop's words (Fluent), shared by the pages and the Rust side.
//!
//! The `.ftl` files live with the pages (`ui/i18n/<locale>/`) and are compiled into the
//! binary, so the app, the command line and the pages always read the same words: the pages
//! get the text of the catalog (the `catalog` command) and format it with fluent.js, the Rust
//! side formats the same messages with fluent-rs ([`tr`]). Plural forms come from the CLDR
//! rules of each language (Russian: one, few, many, other).
//!
//! The language is decided here and nowhere else: the settings' `language` when it names one
//! callpop speaks, else the system's (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX
//! orders them), else English. A message a translation lacks is said in English.

mod core;
#[cfg(test)]
mod tests;

pub use self::core::{number_error, phone_error, push_health, settings_error, settings_problem};

use callpop_phone::error::{Param, Params};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;
use std::sync::{OnceLock, RwLock};

/// Every file of a locale, concatenated (Fluent reads them as one resource).
macro_rules! catalog_of {
    ($locale:literal) => {
        concat!(
            include_str!(concat!("../../../ui/i18n/", $locale, "/common.ftl")),
            "\n",
            include_str!(concat!("../../../ui/i18n/", $locale, "/main.ftl")),
            "\n",
            include_str!(concat!("../../../ui/i18n/", $locale, "/call.ftl")),
            "\n",
            include_str!(concat!("../../../ui/i18n/", $locale, "/settings.ftl")),
            "\n",
            include_str!(concat!("../../../ui/i18n/", $locale, "/app.ftl")),
        )
    };
}

/// The language every message exists in, and the fallback of the others.
pub const ENGLISH: &str = "en";

/// The locales callpop speaks, with their catalogs.
const CATALOGS: [(&str, &str); 2] = [("en", catalog_of!("en")), ("ru", catalog_of!("ru"))];

/// The locales callpop speaks.
pub fn locales() -> impl Iterator<Item = &'static str> {
    CATALOGS.iter().map(|(locale, _)| *locale)
}

fn text_of(locale: &str) -> &'static str {
    CATALOGS
        .iter()
        .find(|(l, _)| *l == locale)
        .map_or(CATALOGS[0].1, |(_, text)| text)
}

/// A catalog as the pages load it: the messages of `locale`, and English for what it lacks.
#[derive(Serialize)]
pub struct Catalog {
    pub locale: &'static str,
    pub messages: &'static str,
    pub fallback: &'static str,
}

pub fn catalog(locale: &str) -> Catalog {
    let locale = spoken(locale).unwrap_or(ENGLISH);
    Catalog {
        locale,
        messages: text_of(locale),
        fallback: text_of(ENGLISH),
    }
}

/// The locale callpop speaks for a language tag or a POSIX locale name (`ru`, `ru-RU`,
/// `ru_RU.UTF-8`, `ru_RU@euro`), if it speaks that language.
fn spoken(tag: &str) -> Option<&'static str> {
    let language = tag
        .split(['_', '.', '@', '-'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    locales().find(|l| *l == language)
}

/// The locale the environment asks for: the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that
/// is set and not empty decides (POSIX's order), English when callpop does not speak it
/// (`C`, `POSIX`, `de_DE.UTF-8`...).
pub fn locale_from_env(var: impl Fn(&str) -> Option<String>) -> &'static str {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| var(name))
        .find(|value| !value.trim().is_empty())
        .and_then(|value| spoken(value.trim()))
        .unwrap_or(ENGLISH)
}

/// The system's locale, narrowed to one callpop speaks.
pub fn system_locale() -> &'static str {
    locale_from_env(|name| std::env::var(name).ok())
}

/// The locale for the settings' `language`: `auto` (or a language callpop does not speak)
/// follows the system.
pub fn locale_for(language: &str) -> &'static str {
    spoken(language.trim()).unwrap_or_else(system_locale)
}

/// The locale chosen by [`use_language`]; the system's until then.
static CURRENT: RwLock<Option<&'static str>> = RwLock::new(None);

/// Makes the settings' `language` the one [`tr`] speaks (at start, and after every save).
pub fn use_language(language: &str) {
    let locale = locale_for(language);
    match CURRENT.write() {
        Ok(mut current) => *current = Some(locale),
        Err(poisoned) => *poisoned.into_inner() = Some(locale),
    }
}

/// The locale callpop speaks now.
pub fn current() -> &'static str {
    CURRENT
        .read()
        .ok()
        .and_then(|c| *c)
        .unwrap_or_else(system_locale)
}

type Bundle = FluentBundle<FluentResource>;

/// Decimal commas where the language writes them (fluent.js gets this from `Intl`; fluent-rs
/// leaves numbers to the caller).
fn decimal_comma<M>(value: &FluentValue<'_>, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(n.as_string().replace('.', ",")),
        _ => None,
    }
}

fn bundle(locale: &str) -> &'static Bundle {
    static BUNDLES: OnceLock<Vec<(&'static str, Bundle)>> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| {
        CATALOGS
            .iter()
            .map(|(locale, text)| (*locale, build_bundle(locale, text)))
            .collect()
    });
    &bundles
        .iter()
        .find(|(l, _)| *l == locale)
        .unwrap_or(&bundles[0])
        .1
}

fn build_bundle(locale: &str, text: &str) -> Bundle {
    let id = locale
        .parse::<unic_langid::LanguageIdentifier>()
        .unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around values: notifications, the tray and terminals show
    // them as boxes or pass them on to scripts.
    bundle.set_use_isolating(false);
    if locale == "ru" {
        bundle.set_formatter(Some(decimal_comma));
    }
    let resource = match FluentResource::try_new(text.to_owned()) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            tracing::warn!("{} broken messages in the {locale} catalog", errors.len());
            resource
        }
    };
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::warn!("{} clashing messages in the {locale} catalog", errors.len());
    }
    bundle
}

/// Whether `locale` has the message `id` (with a value).
#[cfg(test)]
pub fn has(locale: &str, id: &str) -> bool {
    bundle(locale)
        .get_message(id)
        .is_some_and(|m| m.value().is_some())
}

/// The message `id` in the current language, with `args` filled in: English when the
/// language lacks it, the id itself when no catalog has it.
///
/// ```ignore
/// tr("tray-missed", &[("count", 3.into())])
/// ```
pub fn tr(id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    tr_in(current(), id, args)
}

/// [`tr`] in a given locale.
pub fn tr_in(locale: &str, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    format(locale, id, &fluent_args)
}

/// [`tr`] with the values of a core message ([`Params`]).
pub fn tr_params(id: &str, params: &Params) -> String {
    tr_params_in(current(), id, params)
}

/// [`tr_params`] in a given locale.
pub fn tr_params_in(locale: &str, id: &str, params: &Params) -> String {
    let mut args = FluentArgs::new();
    for (name, value) in params {
        args.set(*name, value_of(value));
    }
    format(locale, id, &args)
}

fn value_of(param: &Param) -> FluentValue<'static> {
    match param {
        Param::Number(n) => FluentValue::from(*n),
        Param::Text(text) => FluentValue::from(text.clone()),
    }
}

fn format(locale: &str, id: &str, args: &FluentArgs<'_>) -> String {
    for locale in [locale, ENGLISH] {
        let bundle = bundle(locale);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args), &mut errors);
        if !errors.is_empty() {
            tracing::debug!("message {id} ({locale}): {errors:?}");
        }
        return text.into_owned();
    }
    tracing::warn!("no message {id} in the catalog");
    id.to_owned()
}

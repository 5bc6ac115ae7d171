//! CardDAV: an address book synced into the local cache, so a ringing call never waits for
//! the server.
//!
//! A sync asks the address book for its ctag and sync token (one small PROPFIND); when they
//! are unchanged, that is all. Otherwise it asks what changed: with a stored sync token
//! through the `sync-collection` report (RFC 6578), else by listing every card's etag
//! (PROPFIND with depth 1) and comparing with the cached etags. Only new and changed cards are fetched, 100 at a
//! time with `addressbook-multiget` (RFC 6352); deleted ones are dropped. The new token,
//! ctag and etags are stored in the same transaction as the cards, so after a restart (or an
//! interrupted sync) nothing is fetched twice. A token the server no longer accepts falls
//! back to the etag listing.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use callpop_phone::number::DialingRules;
use reqwest::{Method, StatusCode};
use url::Url;

use crate::carddav_xml::{
    multiget_body, parse_multistatus, sync_collection_body, DavResponse, Multistatus,
    PROPFIND_BOOK, PROPFIND_DISCOVERY, PROPFIND_ETAGS,
};
use crate::error::ContactsError;
use crate::http;
use crate::secret::Secret;
use crate::settings::CardDavSettings;
use crate::store::{CardUpsert, SourceState, Store};
use crate::vcard::parse_vcards;

/// Cards fetched per multiget request.
const MULTIGET_BATCH: usize = 100;

/// Largest multistatus answer read (a multiget of 100 cards with photos stays well below).
const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardDavSyncReport {
    /// The address book had not changed (same ctag and sync token).
    pub unchanged: bool,
    /// Cards fetched because they were new or changed.
    pub fetched: usize,
    /// Cards removed because the server no longer has them.
    pub deleted: usize,
    /// Whether the changes came from `sync-collection` (else from the etag listing).
    pub used_sync_token: bool,
}

/// An address book found on a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressBookInfo {
    /// The collection URL to put in [`CardDavSettings::url`].
    pub url: String,
    /// Its display name, when the server has one.
    pub name: Option<String>,
}

/// A CardDAV connection for one address book.
pub(crate) struct CardDavClient {
    http: reqwest::Client,
    book: Url,
    username: String,
    password: Option<Secret>,
    label: String,
    timeout: Duration,
}

impl CardDavClient {
    pub(crate) fn new(
        settings: &CardDavSettings,
        password: Option<Secret>,
    ) -> Result<Self, ContactsError> {
        let label = format!("carddav:{}", settings.book_name());
        let mut book = parse_http_url("the CardDAV address book", &settings.url)?;
        // Collections are directories: a missing slash makes servers redirect or 404.
        if !book.path().ends_with('/') {
            let path = format!("{}/", book.path());
            book.set_path(&path);
        }
        let username = settings.username.trim().to_owned();
        if !username.is_empty() && password.is_none() {
            return Err(ContactsError::MissingSecret {
                source_label: label,
            });
        }
        Ok(Self {
            http: http::client(settings.timeout())?,
            book,
            username,
            password,
            label,
            timeout: settings.timeout(),
        })
    }

    /// Brings the cache up to date with the server.
    pub(crate) async fn sync(
        &self,
        store: &Store,
        source_key: &str,
        rules: &DialingRules,
    ) -> Result<CardDavSyncReport, ContactsError> {
        let state = store.state(source_key)?;
        let book = self.book_properties().await?;
        let already_synced = state.last_ok.is_some();
        // The ctag changes with every change; servers without one have a sync token that
        // does the same.
        let unchanged = match (&book.ctag, &book.sync_token) {
            (Some(ctag), _) => state.ctag.as_ref() == Some(ctag),
            (None, Some(token)) => state.sync_token.as_ref() == Some(token),
            (None, None) => false,
        };
        if already_synced && unchanged {
            store.apply_card_changes(source_key, &[], &[], rules, &state)?;
            return Ok(CardDavSyncReport {
                unchanged: true,
                ..Default::default()
            });
        }

        let known = store.etags(source_key)?;
        let mut report = CardDavSyncReport::default();
        let mut new_token = book.sync_token.clone();
        let mut changes = None;
        if let (Some(token), true) = (&state.sync_token, book.sync_token.is_some()) {
            if let Some(delta) = self.sync_collection(token).await? {
                new_token = delta.sync_token.clone().or(new_token);
                changes = Some(changes_from_delta(&delta, &known, &self.book));
                report.used_sync_token = true;
            }
        }
        let (to_fetch, mut deleted) = match changes {
            Some(changes) => changes,
            None => {
                let listing = self.list_etags().await?;
                changes_from_listing(&listing, &known, &self.book)
            }
        };

        let mut upserts = Vec::new();
        for batch in to_fetch.chunks(MULTIGET_BATCH) {
            let answer = self.multiget(batch).await?;
            let mut answered = HashSet::new();
            for response in answer.responses {
                let href = normalize_href(&response.href, &self.book);
                if response.missing || response.status.is_some_and(|s| s == 404) {
                    continue;
                }
                let Some(card_text) = response.address_data else {
                    continue;
                };
                answered.insert(href.clone());
                let contact = parse_vcards(card_text.as_bytes())
                    .into_iter()
                    .next()
                    .map(|mut c| {
                        c.reference = href.clone();
                        c
                    });
                upserts.push(CardUpsert {
                    etag: response.etag.unwrap_or_default(),
                    href,
                    contact,
                    vcard: card_text,
                });
            }
            // Asked for but not returned: deleted between listing and fetching.
            deleted.extend(batch.iter().filter(|h| !answered.contains(*h)).cloned());
        }
        report.fetched = upserts.len();
        report.deleted = deleted.iter().filter(|h| known.contains_key(*h)).count();
        let new_state = SourceState {
            sync_token: new_token,
            ctag: book.ctag,
            ..Default::default()
        };
        store.apply_card_changes(source_key, &upserts, &deleted, rules, &new_state)?;
        Ok(report)
    }

    /// Depth-0 properties of the address book; an error when the URL is not one.
    async fn book_properties(&self) -> Result<DavResponse, ContactsError> {
        let answer = self
            .propfind(&self.book, "0", PROPFIND_BOOK, "the address book")
            .await?;
        let book = answer
            .responses
            .into_iter()
            .find(|r| same_path(&normalize_href(&r.href, &self.book), self.book.path()))
            .unwrap_or_default();
        if !book.is_address_book {
            return Err(ContactsError::NotAnAddressBook {
                source_label: self.label.clone(),
                url: self.book.to_string(),
            });
        }
        Ok(book)
    }

    async fn list_etags(&self) -> Result<Multistatus, ContactsError> {
        self.propfind(&self.book, "1", PROPFIND_ETAGS, "the list of cards")
            .await
    }

    /// Changes since `token`, or `None` when the server does not accept the token (expired,
    /// or sync-collection unsupported): then the caller lists etags instead.
    async fn sync_collection(&self, token: &str) -> Result<Option<Multistatus>, ContactsError> {
        let response = self
            .request(
                report_method(),
                &self.book,
                "0",
                sync_collection_body(token),
            )
            .await?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            return Err(self.auth_rejected(status));
        }
        if status.is_client_error() {
            return Ok(None);
        }
        self.read_multistatus(response, "the changes")
            .await
            .map(Some)
    }

    async fn multiget(&self, hrefs: &[String]) -> Result<Multistatus, ContactsError> {
        let response = self
            .request(report_method(), &self.book, "1", multiget_body(hrefs))
            .await?;
        self.read_multistatus(response, "the cards").await
    }

    async fn propfind(
        &self,
        url: &Url,
        depth: &str,
        body: &str,
        what: &str,
    ) -> Result<Multistatus, ContactsError> {
        let method = Method::from_bytes(b"PROPFIND").unwrap_or(Method::GET);
        let response = self.request(method, url, depth, body.to_owned()).await?;
        self.read_multistatus(response, what).await
    }

    async fn request(
        &self,
        method: Method,
        url: &Url,
        depth: &str,
        body: String,
    ) -> Result<reqwest::Response, ContactsError> {
        let mut request = self
            .http
            .request(method, url.clone())
            .header("Depth", depth)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/xml; charset=utf-8",
            )
            .body(body);
        if let Some(password) = &self.password {
            request = request.basic_auth(&self.username, Some(password.expose()));
        }
        request
            .send()
            .await
            .map_err(|e| http::request_error(&self.label, self.timeout, e))
    }

    async fn read_multistatus(
        &self,
        response: reqwest::Response,
        what: &str,
    ) -> Result<Multistatus, ContactsError> {
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(self.auth_rejected(status));
        }
        if status.is_redirection() {
            return Err(http::redirect_refused(&self.label, &response));
        }
        if status == StatusCode::NOT_FOUND {
            return Err(ContactsError::NotAnAddressBook {
                source_label: self.label.clone(),
                url: response.url().to_string(),
            });
        }
        if status != StatusCode::MULTI_STATUS && !status.is_success() {
            return Err(ContactsError::HttpStatus {
                source_label: self.label.clone(),
                what: what.to_owned(),
                status: status.as_u16(),
            });
        }
        let body =
            http::read_limited(&self.label, self.timeout, response, MAX_RESPONSE_BYTES).await?;
        let text = String::from_utf8_lossy(&body);
        parse_multistatus(&text).map_err(|reason| ContactsError::BadResponse {
            source_label: self.label.clone(),
            reason,
        })
    }

    fn auth_rejected(&self, status: StatusCode) -> ContactsError {
        ContactsError::AuthRejected {
            source_label: self.label.clone(),
            status: status.as_u16(),
        }
    }
}

/// Finds the address books reachable from a server address (`https://cloud.example.com/`,
/// a principal URL, or an address book itself), for the settings page.
pub async fn discover_address_books(
    server_url: &str,
    username: &str,
    password: Option<Secret>,
    timeout: Duration,
) -> Result<Vec<AddressBookInfo>, ContactsError> {
    let settings = CardDavSettings {
        url: server_url.to_owned(),
        username: username.to_owned(),
        name: "discovery".to_owned(),
        timeout_secs: timeout.as_secs().max(1),
        ..Default::default()
    };
    let client = CardDavClient::new(&settings, password)?;
    let start = client.book.clone();
    let mut answer = client
        .propfind(
            &start,
            "0",
            PROPFIND_DISCOVERY,
            "the server's address books",
        )
        .await;
    let mut base = start.clone();
    if answer.is_err() {
        // Servers announce their CardDAV root at a well-known address (RFC 6764).
        if let Ok(well_known) = start.join("/.well-known/carddav") {
            if let Ok(found) = client
                .propfind(
                    &well_known,
                    "0",
                    PROPFIND_DISCOVERY,
                    "the server's address books",
                )
                .await
            {
                answer = Ok(found);
                base = well_known;
            }
        }
    }
    let answer = answer?;
    let first = answer.responses.into_iter().next().unwrap_or_default();
    if first.is_address_book {
        return Ok(vec![AddressBookInfo {
            url: start.to_string(),
            name: first.display_name,
        }]);
    }
    let home = match (first.addressbook_home_set, first.current_user_principal) {
        (Some(home), _) => base.join(&home).unwrap_or(base.clone()),
        (None, Some(principal)) => {
            let principal = base.join(&principal).unwrap_or(base.clone());
            let found = client
                .propfind(
                    &principal,
                    "0",
                    PROPFIND_DISCOVERY,
                    "the user's address books",
                )
                .await?;
            found
                .responses
                .into_iter()
                .find_map(|r| r.addressbook_home_set)
                .and_then(|home| principal.join(&home).ok())
                .unwrap_or(principal)
        }
        (None, None) => base.clone(),
    };
    let listing = client
        .propfind(&home, "1", PROPFIND_DISCOVERY, "the address books")
        .await?;
    Ok(listing
        .responses
        .into_iter()
        .filter(|r| r.is_address_book)
        .filter_map(|r| {
            Some(AddressBookInfo {
                url: home.join(&r.href).ok()?.to_string(),
                name: r.display_name.filter(|n| !n.is_empty()),
            })
        })
        .collect())
}

fn report_method() -> Method {
    Method::from_bytes(b"REPORT").unwrap_or(Method::GET)
}

pub(crate) fn parse_http_url(what: &'static str, value: &str) -> Result<Url, ContactsError> {
    let bad = |reason: &str| ContactsError::BadAddress {
        what,
        value: value.trim().to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(value.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("it must start with https:// or http://"));
    }
    if url.host_str().is_none() {
        return Err(bad("it has no server name"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "put the user name and password in their own fields, not in the address",
        ));
    }
    Ok(url)
}

/// Hrefs as paths (servers may answer with full URLs), so they compare equal across
/// requests.
fn normalize_href(href: &str, book: &Url) -> String {
    match book.join(href) {
        Ok(url) => url.path().to_owned(),
        Err(_) => href.to_owned(),
    }
}

fn same_path(a: &str, b: &str) -> bool {
    let decode = |p: &str| {
        percent_encoding::percent_decode_str(p.trim_end_matches('/'))
            .decode_utf8_lossy()
            .into_owned()
    };
    decode(a) == decode(b)
}

/// Cards to fetch and cards deleted, from a full etag listing.
fn changes_from_listing(
    listing: &Multistatus,
    known: &HashMap<String, String>,
    book: &Url,
) -> (Vec<String>, Vec<String>) {
    let mut present = HashSet::new();
    let mut to_fetch = Vec::new();
    for response in &listing.responses {
        let href = normalize_href(&response.href, book);
        if response.is_collection || response.missing || same_path(&href, book.path()) {
            continue;
        }
        let Some(etag) = &response.etag else {
            continue;
        };
        if known.get(&href) != Some(etag) {
            to_fetch.push(href.clone());
        }
        present.insert(href);
    }
    let deleted = known
        .keys()
        .filter(|href| !present.contains(*href))
        .cloned()
        .collect();
    (to_fetch, deleted)
}

/// Cards to fetch and cards deleted, from a sync-collection answer.
fn changes_from_delta(
    delta: &Multistatus,
    known: &HashMap<String, String>,
    book: &Url,
) -> (Vec<String>, Vec<String>) {
    let mut to_fetch = Vec::new();
    let mut deleted = Vec::new();
    for response in &delta.responses {
        let href = normalize_href(&response.href, book);
        if same_path(&href, book.path()) || response.is_collection {
            continue;
        }
        if response.status == Some(404) {
            deleted.push(href);
        } else if response.etag.is_none() || known.get(&href) != response.etag.as_ref() {
            to_fetch.push(href);
        }
    }
    (to_fetch, deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(entries: &[(&str, &str)]) -> Multistatus {
        Multistatus {
            responses: entries
                .iter()
                .map(|(href, etag)| DavResponse {
                    href: (*href).into(),
                    etag: Some((*etag).into()),
                    ..Default::default()
                })
                .collect(),
            sync_token: None,
        }
    }

    #[test]
    fn only_new_and_changed_cards_are_fetched_and_missing_ones_deleted() {
        let known: HashMap<String, String> =
            [("/b/1.vcf", "a"), ("/b/2.vcf", "a"), ("/b/3.vcf", "a")]
                .into_iter()
                .map(|(h, e)| (h.to_owned(), e.to_owned()))
                .collect();
        let book = Url::parse("https://dav.example/b/").expect("url");
        let server = listing(&[
            ("/b/", "collection"),
            ("/b/1.vcf", "a"),
            ("https://dav.example/b/2.vcf", "b"),
            ("/b/4.vcf", "a"),
        ]);
        let (fetch, deleted) = changes_from_listing(&server, &known, &book);
        assert_eq!(fetch, ["/b/2.vcf", "/b/4.vcf"]);
        assert_eq!(deleted, ["/b/3.vcf"]);
    }

    #[test]
    fn urls_with_credentials_or_other_schemes_are_refused() {
        assert!(parse_http_url("x", "https://anna:pw@dav.example/").is_err());
        assert!(parse_http_url("x", "ftp://dav.example/").is_err());
        assert!(parse_http_url("x", "dav.example").is_err());
        assert!(parse_http_url("x", " https://dav.example/a/ ").is_ok());
    }

    #[test]
    fn hrefs_compare_as_paths() {
        let book = Url::parse("https://dav.example/anna/work/").expect("url");
        assert_eq!(
            normalize_href("https://dav.example/anna/work/x.vcf", &book),
            "/anna/work/x.vcf"
        );
        assert!(same_path("/anna/work", "/anna/work/"));
        assert!(same_path("/anna/my%20book/", "/anna/my book"));
    }
}

//! WebDAV/CardDAV XML: the request bodies callpop sends and the `multistatus` answers it
//! reads.
//!
//! Answers are read by namespace, not by prefix (servers choose their own prefixes), and
//! properties count only inside a `propstat` whose status is 2xx. Unknown elements are
//! ignored. Malformed XML is an error, never a panic.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

pub(crate) const DAV: &str = "DAV:";
pub(crate) const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
pub(crate) const CALENDARSERVER: &str = "http://calendarserver.org/ns/";

/// Properties of the address book itself.
pub(crate) const PROPFIND_BOOK: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">
  <d:prop><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/></d:prop>
</d:propfind>"#;

/// The etag of every card (Depth: 1).
pub(crate) const PROPFIND_ETAGS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>"#;

/// Where a user's address books live.
pub(crate) const PROPFIND_DISCOVERY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
  <d:prop><d:resourcetype/><d:displayname/><d:current-user-principal/><card:addressbook-home-set/></d:prop>
</d:propfind>"#;

/// Changes since `token` (RFC 6578).
pub(crate) fn sync_collection_body(token: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#,
        quick_xml::escape::escape(token)
    )
}

/// The cards at `hrefs` with their etags (RFC 6352 addressbook-multiget).
pub(crate) fn multiget_body(hrefs: &[String]) -> String {
    let mut body = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?>
<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><card:address-data/></d:prop>"#,
    );
    for href in hrefs {
        body.push_str("<d:href>");
        body.push_str(&quick_xml::escape::escape(href.as_str()));
        body.push_str("</d:href>");
    }
    body.push_str("</card:addressbook-multiget>");
    body
}

/// One `response` of a multistatus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DavResponse {
    pub href: String,
    /// The response-level status (sync-collection reports deleted members as 404 here).
    pub status: Option<u16>,
    pub etag: Option<String>,
    pub ctag: Option<String>,
    pub sync_token: Option<String>,
    pub display_name: Option<String>,
    pub is_collection: bool,
    pub is_address_book: bool,
    pub address_data: Option<String>,
    pub current_user_principal: Option<String>,
    pub addressbook_home_set: Option<String>,
    /// The status of a propstat without 2xx (for example 404 for a card multiget could not
    /// find).
    pub missing: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Multistatus {
    pub responses: Vec<DavResponse>,
    /// The new token of a sync-collection report.
    pub sync_token: Option<String>,
}

/// Properties collected inside one propstat, kept only if its status is 2xx.
#[derive(Default)]
struct PropStat {
    props: DavResponse,
    status: Option<u16>,
}

fn status_code(text: &str) -> Option<u16> {
    // "HTTP/1.1 200 OK"
    text.split_whitespace().nth(1)?.parse().ok()
}

/// Parses a `207 Multi-Status` body.
pub(crate) fn parse_multistatus(xml: &str) -> Result<Multistatus, String> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<String> = Vec::new(); // local names of the open elements
    let mut namespaces: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut result = Multistatus::default();
    let mut response: Option<DavResponse> = None;
    let mut propstat: Option<PropStat> = None;

    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok(read) => read,
            Err(e) => return Err(format!("invalid XML: {e}")),
        };
        let namespace = match ns {
            ResolveResult::Bound(n) => n.0.to_owned(),
            _ => String::new(),
        };
        match event {
            Event::Start(start) => {
                let local = start.local_name().as_ref().to_owned();
                text.clear();
                open_element(&namespace, &local, &stack, &mut response, &mut propstat);
                stack.push(local);
                namespaces.push(namespace);
            }
            Event::Empty(start) => {
                let local = start.local_name().as_ref().to_owned();
                open_element(&namespace, &local, &stack, &mut response, &mut propstat);
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Some(resolved) = quick_xml::escape::resolve_predefined_entity(&r) {
                    text.push_str(resolved);
                }
            }
            Event::End(_) => {
                let Some(local) = stack.pop() else {
                    return Err("unbalanced XML".to_owned());
                };
                let namespace = namespaces.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let value = std::mem::take(&mut text);
                close_element(
                    &namespace,
                    &local,
                    parent,
                    value,
                    &mut result,
                    &mut response,
                    &mut propstat,
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(result)
}

fn open_element(
    namespace: &str,
    local: &str,
    stack: &[String],
    response: &mut Option<DavResponse>,
    propstat: &mut Option<PropStat>,
) {
    match (namespace, local) {
        (DAV, "response") => *response = Some(DavResponse::default()),
        (DAV, "propstat") => *propstat = Some(PropStat::default()),
        (DAV, "collection") | (CARDDAV, "addressbook") => {
            let in_resourcetype = stack.last().is_some_and(|l| l == "resourcetype");
            if let (true, Some(ps)) = (in_resourcetype, propstat.as_mut()) {
                if local == "collection" {
                    ps.props.is_collection = true;
                } else {
                    ps.props.is_address_book = true;
                }
            }
        }
        _ => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn close_element(
    namespace: &str,
    local: &str,
    parent: &str,
    value: String,
    result: &mut Multistatus,
    response: &mut Option<DavResponse>,
    propstat: &mut Option<PropStat>,
) {
    let trimmed = || value.trim().to_owned();
    if let Some(ps) = propstat.as_mut() {
        let props = &mut ps.props;
        match (namespace, local) {
            (DAV, "status") if parent == "propstat" => ps.status = status_code(&value),
            (DAV, "getetag") => props.etag = Some(trimmed()),
            (CALENDARSERVER, "getctag") => props.ctag = Some(trimmed()),
            (DAV, "sync-token") => props.sync_token = Some(trimmed()),
            (DAV, "displayname") => props.display_name = Some(trimmed()),
            (CARDDAV, "address-data") => props.address_data = Some(value),
            (DAV, "href") if parent == "current-user-principal" => {
                props.current_user_principal = Some(trimmed())
            }
            (DAV, "href") if parent == "addressbook-home-set" => {
                props.addressbook_home_set = Some(trimmed())
            }
            (DAV, "propstat") => {
                if let (Some(ps), Some(resp)) = (propstat.take(), response.as_mut()) {
                    if ps.status.is_none_or(|s| (200..300).contains(&s)) {
                        merge(resp, ps.props);
                    } else {
                        resp.missing = true;
                    }
                }
            }
            _ => {}
        }
        return;
    }
    match (namespace, local) {
        (DAV, "href") if parent == "response" => {
            if let Some(resp) = response.as_mut() {
                resp.href = trimmed();
            }
        }
        (DAV, "status") if parent == "response" => {
            if let Some(resp) = response.as_mut() {
                resp.status = status_code(&value);
            }
        }
        (DAV, "response") => {
            if let Some(resp) = response.take() {
                result.responses.push(resp);
            }
        }
        (DAV, "sync-token") if parent == "multistatus" => result.sync_token = Some(trimmed()),
        _ => {}
    }
}

fn merge(into: &mut DavResponse, from: DavResponse) {
    fn take(slot: &mut Option<String>, value: Option<String>) {
        if value.is_some() {
            *slot = value;
        }
    }
    take(&mut into.etag, from.etag);
    take(&mut into.ctag, from.ctag);
    take(&mut into.sync_token, from.sync_token);
    take(&mut into.display_name, from.display_name);
    take(&mut into.address_data, from.address_data);
    take(
        &mut into.current_user_principal,
        from.current_user_principal,
    );
    take(&mut into.addressbook_home_set, from.addressbook_home_set);
    into.is_collection |= from.is_collection;
    into.is_address_book |= from.is_address_book;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_multiget_answers_with_any_prefix_and_escaped_card_text() {
        let xml = r#"<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
 <response><href>/anna/work/a%20b.vcf</href>
  <propstat><prop><getetag>"e1"</getetag>
   <C:address-data>BEGIN:VCARD&#13;
FN:Smith &amp; Sons
END:VCARD</C:address-data></prop><status>HTTP/1.1 200 OK</status></propstat>
 </response>
 <response><href>/anna/work/gone.vcf</href>
  <propstat><prop><getetag/><C:address-data/></prop><status>HTTP/1.1 404 Not Found</status></propstat>
 </response>
</multistatus>"#;
        let parsed = parse_multistatus(xml).expect("parses");
        assert_eq!(parsed.responses.len(), 2);
        let card = &parsed.responses[0];
        assert_eq!(card.href, "/anna/work/a%20b.vcf");
        assert_eq!(card.etag.as_deref(), Some("\"e1\""));
        assert_eq!(
            card.address_data.as_deref(),
            Some("BEGIN:VCARD\r\nFN:Smith & Sons\nEND:VCARD")
        );
        assert!(parsed.responses[1].missing);
        assert_eq!(parsed.responses[1].etag, None);
    }

    #[test]
    fn reads_sync_collection_answers_with_deletions_and_the_new_token() {
        let xml = r#"<d:multistatus xmlns:d="DAV:">
 <d:response><d:href>/a/b/new.vcf</d:href><d:propstat><d:prop><d:getetag>"2"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
 <d:response><d:href>/a/b/old.vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
 <d:sync-token>http://radicale.org/ns/sync/abc</d:sync-token>
</d:multistatus>"#;
        let parsed = parse_multistatus(xml).expect("parses");
        assert_eq!(
            parsed.sync_token.as_deref(),
            Some("http://radicale.org/ns/sync/abc")
        );
        assert_eq!(parsed.responses[1].status, Some(404));
        assert_eq!(parsed.responses[0].etag.as_deref(), Some("\"2\""));
    }

    #[test]
    fn reads_resource_types_and_discovery_properties() {
        let xml = r#"<multistatus xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav" xmlns:CS="http://calendarserver.org/ns/">
<response><href>/anna/</href><propstat><prop>
 <resourcetype><collection/><principal/></resourcetype>
 <current-user-principal><href>/anna/</href></current-user-principal>
 <CR:addressbook-home-set><href>/anna/</href></CR:addressbook-home-set>
</prop><status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/anna/work/</href><propstat><prop>
 <resourcetype><collection/><CR:addressbook/></resourcetype><displayname>Work</displayname><CS:getctag>"c1"</CS:getctag>
</prop><status>HTTP/1.1 200 OK</status></propstat></response>
</multistatus>"#;
        let parsed = parse_multistatus(xml).expect("parses");
        let home = &parsed.responses[0];
        assert!(home.is_collection && !home.is_address_book);
        assert_eq!(home.addressbook_home_set.as_deref(), Some("/anna/"));
        assert_eq!(home.current_user_principal.as_deref(), Some("/anna/"));
        let book = &parsed.responses[1];
        assert!(book.is_address_book);
        assert_eq!(book.display_name.as_deref(), Some("Work"));
        assert_eq!(book.ctag.as_deref(), Some("\"c1\""));
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse_multistatus("<multistatus xmlns='DAV:'><response>").is_ok());
        assert!(parse_multistatus("<a></b>").is_err());
    }

    #[test]
    fn request_bodies_escape_hrefs_and_tokens() {
        assert!(multiget_body(&["/a/b&c.vcf".into()]).contains("<d:href>/a/b&amp;c.vcf</d:href>"));
        assert!(sync_collection_body("x<y").contains("x&lt;y"));
    }
}

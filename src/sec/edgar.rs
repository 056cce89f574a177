//! An EDGAR filing as a folder or zip (`000101872425000004/` as the archive serves it, or
//! the `0001018724-25-000004-xbrl.zip` of its filing index): which one of its files is
//! the document to import (its XBRL instance, else its inline XBRL primary document), and
//! the standard labels of its label linkbase.

use super::archive::{self, listed, Document, FILING_ADVICE, FILING_EXPECTED};
use super::xbrl::{self, Form};
use crate::error::{Error, Problem, Result};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// The extensions of the files a filing's XBRL is made of (documents, schema,
/// linkbases, FilingSummary.xml): a folder or zip holding one is meant as a filing.
const FILING_EXTENSIONS: [&str; 5] = ["htm", "html", "xhtml", "xml", "xsd"];

/// The extensions a document to import may have.
const DOCUMENT_EXTENSIONS: [&str; 4] = ["htm", "html", "xhtml", "xml"];

/// What to say a filing's folder or zip should hold.
const HOLDS: &str = "expected an EDGAR filing's folder or zip holding its XBRL instance (such \
                     as amzn-20241231_htm.xml) or its inline XBRL document (the .htm with \
                     ix:header)";

/// The standard label role of XBRL 2.1 (a label resource without a role has it too).
const STANDARD_LABEL: &str = "http://www.xbrl.org/2003/role/label";

fn extension_in(name: &str, extensions: &[&str]) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, e)| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Whether a path is meant as a filing: a folder (not an FSDS quarter) or zip (holding no
/// FSDS quarter) with a filing's XBRL files in it; a zip that cannot be read, when its
/// name says it is a filing's (an accession, or EDGAR's `-xbrl.zip`).
pub fn looks_like(path: &Path) -> bool {
    if path.is_dir() {
        if super::fsds::looks_like(path) {
            return false;
        }
        return match folder_files(path) {
            Ok(files) => files.iter().any(|f| {
                f.file_name()
                    .is_some_and(|n| extension_in(&n.to_string_lossy(), &FILING_EXTENSIONS))
            }),
            Err(_) => false,
        };
    }
    if !archive::is_zip(path) {
        return false;
    }
    let opened = std::fs::File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok());
    match opened {
        Some(zip) => {
            !super::fsds::holds_quarter(zip.file_names())
                && zip
                    .file_names()
                    .any(|n| extension_in(n, &FILING_EXTENSIONS))
        }
        None => path.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            xbrl::accession_in_name(&n).is_some() || n.to_lowercase().ends_with("-xbrl.zip")
        }),
    }
}

/// The files directly in a folder, sorted by name.
fn folder_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The document of a filing to import, and what else the filing gives.
#[derive(Debug)]
pub struct Chosen {
    pub document: Document,
    pub form: Form,
    /// The filing's label linkbases (`*_lab.xml`).
    pub labels: Vec<Document>,
    /// What was chosen, for the summary: "DIR: imported X, its XBRL instance (...)".
    pub note: String,
}

/// What a look at one file found.
struct Seen {
    document: Document,
    form: Form,
    /// An inline document: whether it has `ix:header` (None: the XML breaks before one
    /// was found, so the reader will say what is wrong) and the `dei:DocumentType` cover
    /// fact.
    header: Option<bool>,
    cover: bool,
}

/// Chooses the one document to import from a filing's folder or zip: its XBRL instance
/// if it holds one, else its inline XBRL document with `ix:header` (exhibits without one
/// are not documents of their own); `wanted` (from `--format`) takes only that form. No
/// such document, or several (two filings), is a problem naming the files.
pub fn choose(path: &Path, wanted: Option<Form>) -> Result<std::result::Result<Chosen, Problem>> {
    let name = path.display().to_string();
    let (names, seen) = match survey(path)? {
        Ok(found) => found,
        Err(p) => return Ok(Err(p)),
    };
    let instances: Vec<&Seen> = seen.iter().filter(|s| s.form == Form::Instance).collect();
    let inline: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.form == Form::Inline && s.header != Some(false))
        .collect();
    // Several inline documents with ix:header: the one with the cover facts.
    let inline = if inline.len() > 1 && inline.iter().filter(|s| s.cover).count() == 1 {
        inline.into_iter().filter(|s| s.cover).collect()
    } else {
        inline
    };
    let (candidates, what) = match wanted {
        Some(Form::Instance) => (instances, "XBRL instance"),
        Some(Form::Inline) => (inline, "inline XBRL document"),
        None if !instances.is_empty() => (instances, "XBRL instance"),
        None => (inline, "inline XBRL document"),
    };
    let chosen = match candidates[..] {
        [] => return Ok(Err(none_found(path, wanted, &names, &seen))),
        [one] => one,
        [first, ..] => {
            let how = if path.is_dir() {
                format!(
                    "name the one to import (amzdb ingest {})",
                    first.document.name()
                )
            } else {
                "unzip it and name the one to import".to_string()
            };
            return Ok(Err(Problem::file(
                &name,
                format!(
                    "holds {n} {what}s ({}): the documents of {n} filings? amzdb imports one \
                     filing at a time: {how}",
                    listed(candidates.iter().map(|s| s.document.entry_name())),
                    n = candidates.len(),
                ),
            )));
        }
    };
    let labels: Vec<Document> = names
        .iter()
        .filter(|n| n.to_lowercase().ends_with("_lab.xml"))
        .map(|n| in_container(path, n))
        .collect();
    let kind = match chosen.form {
        Form::Instance => "its XBRL instance",
        Form::Inline => "its inline XBRL document",
    };
    let with_labels = if labels.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = labels.iter().map(Document::file_name).collect();
        format!(", with the standard labels of {}", names.join(", "))
    };
    let unread = match names.len().saturating_sub(1 + labels.len()) {
        0 => String::new(),
        1 => " (1 other file not read)".to_string(),
        n => format!(" ({n} other files not read)"),
    };
    let note = format!(
        "{name}: imported {}, {kind}{with_labels}{unread}",
        chosen.document.entry_name(),
    );
    Ok(Ok(Chosen {
        document: chosen.document.clone(),
        form: chosen.form,
        labels,
        note,
    }))
}

/// A file of a folder, or an entry of a zip.
fn in_container(path: &Path, name: &str) -> Document {
    if path.is_dir() {
        Document::File(path.join(name))
    } else {
        Document::Entry {
            zip: path.to_path_buf(),
            entry: name.to_string(),
        }
    }
}

/// The files of a filing's folder or zip (sorted names), and what each XBRL document
/// among them is.
type Survey = (Vec<String>, Vec<Seen>);

fn survey(path: &Path) -> Result<std::result::Result<Survey, Problem>> {
    let mut seen = Vec::new();
    if path.is_dir() {
        let files = folder_files(path)?;
        let names = files
            .iter()
            .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        for file in files {
            let document = Document::File(file);
            if let Some(s) = look(&document, |read| document.with_reader(read))? {
                seen.push(s);
            }
        }
        return Ok(Ok((names, seen)));
    }
    let mut zip = match archive::open(path, FILING_EXPECTED, FILING_ADVICE)? {
        Ok(zip) => zip,
        Err(p) => return Ok(Err(p)),
    };
    let mut names: Vec<String> = zip
        .file_names()
        .filter(|n| !n.ends_with('/') && !n.starts_with("__MACOSX/"))
        .map(str::to_string)
        .collect();
    names.sort();
    // One archive for every entry: the zip's directory is read once.
    for entry in &names {
        let read = |read: &mut dyn FnMut(&mut dyn Read) -> Result<Option<Seen>>| {
            archive::with_entry(&mut zip, path, entry, FILING_ADVICE, read)
        };
        if let Some(s) = look(&in_container(path, entry), read)? {
            seen.push(s);
        }
    }
    Ok(Ok((names, seen)))
}

/// The problem of a folder or zip without the document wanted: what it holds instead.
fn none_found(path: &Path, wanted: Option<Form>, names: &[String], seen: &[Seen]) -> Problem {
    let nothing = match wanted {
        Some(Form::Instance) => "no XBRL instance (--format xbrl)",
        Some(Form::Inline) => "no inline XBRL document with ix:header (--format ixbrl)",
        None => "no XBRL instance or inline XBRL document",
    };
    let exhibits: Vec<String> = seen
        .iter()
        .filter(|s| s.header == Some(false))
        .map(|s| s.document.file_name())
        .collect();
    let exhibits = if exhibits.is_empty() {
        String::new()
    } else {
        format!(
            " ({} inline XBRL without ix:header, an exhibit's form)",
            exhibits.join(", ")
        )
    };
    let here = if path.is_dir() { "folder" } else { "zip" };
    Problem::file(
        &path.display().to_string(),
        format!(
            "{nothing} in this {here}: found {}{exhibits}; {HOLDS}",
            listed(names.iter().map(String::as_str))
        ),
    )
}

/// What one file of a filing is, read through `with`: None for a file that is no XBRL
/// document (by its extension, then its first bytes).
fn look(
    document: &Document,
    with: impl FnOnce(
        &mut dyn FnMut(&mut dyn Read) -> Result<Option<Seen>>,
    ) -> Result<std::result::Result<Option<Seen>, Problem>>,
) -> Result<Option<Seen>> {
    if !extension_in(&document.file_name(), &DOCUMENT_EXTENSIONS) {
        return Ok(None);
    }
    let mut read = |r: &mut dyn Read| -> Result<Option<Seen>> {
        let mut head = Vec::with_capacity(xbrl::HEAD);
        // A file that cannot be read here is passed over; the reader of the chosen
        // document says what is wrong with it.
        if r.take(xbrl::HEAD as u64).read_to_end(&mut head).is_err() {
            return Ok(None);
        }
        let Some(form) = xbrl::form_of(&head) else {
            return Ok(None);
        };
        let (header, cover) = match form {
            Form::Instance => (None, false),
            Form::Inline => header_and_cover(&mut Cursor::new(head).chain(r)),
        };
        Ok(Some(Seen {
            document: document.clone(),
            form,
            header,
            cover,
        }))
    };
    // A zip entry that cannot be opened is passed over the same way.
    Ok(with(&mut read)?.unwrap_or(None))
}

/// Whether an inline document has `ix:header` (None: the XML breaks before one is
/// found) and the `dei:DocumentType` cover fact; reading stops once both are found.
fn header_and_cover(r: &mut dyn Read) -> (Option<bool>, bool) {
    let mut reader = Reader::from_reader(std::io::BufReader::new(r));
    let mut buf = Vec::new();
    let (mut header, mut cover) = (false, false);
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.name().as_ref() {
                b"ix:header" => header = true,
                b"ix:nonNumeric" => {
                    cover |= e
                        .try_get_attribute("name")
                        .ok()
                        .flatten()
                        .is_some_and(|a| a.value.as_ref() == b"dei:DocumentType")
                }
                _ => {}
            },
            Ok(Event::Eof) => return (Some(header), cover),
            Err(_) => return (header.then_some(true), cover),
            Ok(_) => {}
        }
        if header && cover {
            return (Some(true), true);
        }
    }
}

/// The standard labels (role `http://www.xbrl.org/2003/role/label`) of a label linkbase,
/// by concept (`us-gaap:ShareBasedCompensation`), linked as XBRL 2.1 says: a `labelArc`
/// goes from the `xlink:label` of `loc`s (whose `href` fragment is the concept's id,
/// `us-gaap_ShareBasedCompensation`) to that of `label` resources, within one extended
/// link. English labels win over others; the first one found is kept.
pub fn standard_labels(
    document: &Document,
) -> Result<std::result::Result<HashMap<String, String>, Problem>> {
    let read = document
        .with_reader(|r| labels_of(r, &document.name()))?
        .and_then(|labels| labels);
    // Where the XML broke, as a line and character (the reader knows bytes only).
    Ok(read.map_err(|mut p| {
        if let Some(offset) = p.line.take() {
            let (line, column) = xbrl::line_of(document, offset);
            p = p.at(line);
            p.column = Some(format!("character {column}"));
        }
        p
    }))
}

/// The labels of a linkbase's bytes; a problem's `line` is a byte offset here.
fn labels_of(
    r: &mut dyn Read,
    name: &str,
) -> Result<std::result::Result<HashMap<String, String>, Problem>> {
    /// One extended link's locators, label resources and arcs, by their xlink labels.
    #[derive(Default)]
    struct Link {
        locs: HashMap<String, Vec<String>>,
        labels: HashMap<String, Vec<(bool, String)>>,
        arcs: Vec<(String, String)>,
    }
    let mut reader = Reader::from_reader(std::io::BufReader::new(r));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut found: HashMap<String, (bool, String)> = HashMap::new();
    let mut link = Link::default();
    // Open elements, to tell a file that ends early.
    let mut depth = 0_usize;
    // The label resource being read: its xlink label, whether English, its text.
    let mut resource: Option<(String, bool, String)> = None;
    let attr = |e: &quick_xml::events::BytesStart, key: &str| -> Option<String> {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
    };
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(quick_xml::Error::Io(e)) if archive::damage(&e).is_some() => {
                return Ok(Err(Problem::file(name, e.to_string())));
            }
            Err(e) => {
                return Ok(Err(Problem::file(
                    name,
                    format!(
                        "not well-formed XML: {e}; expected the filing's label linkbase as \
                         EDGAR serves it"
                    ),
                )
                .at(reader.error_position())))
            }
        };
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => match e.local_name().as_ref() {
                b"loc" => {
                    if let (Some(label), Some(href)) =
                        (attr(e, "xlink:label"), attr(e, "xlink:href"))
                    {
                        if let Some(concept) = concept_of_href(&href) {
                            link.locs.entry(label).or_default().push(concept);
                        }
                    }
                }
                b"label" => {
                    let role = attr(e, "xlink:role");
                    let standard = role.as_deref().is_none_or(|r| r == STANDARD_LABEL);
                    match attr(e, "xlink:label") {
                        Some(label) if standard && matches!(event, Event::Start(_)) => {
                            let english = attr(e, "xml:lang")
                                .is_some_and(|l| l.to_lowercase().starts_with("en"));
                            resource = Some((label, english, String::new()));
                        }
                        _ => {}
                    }
                }
                b"labelArc" => {
                    let prohibited = attr(e, "use").as_deref() == Some("prohibited");
                    if let (false, Some(from), Some(to)) =
                        (prohibited, attr(e, "xlink:from"), attr(e, "xlink:to"))
                    {
                        link.arcs.push((from, to));
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some((_, _, text)) = resource.as_mut() {
                    if let Ok(s) = t.decode() {
                        text.push_str(&s);
                    }
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, _, text)) = resource.as_mut() {
                    let s = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match &*r {
                            b"amp" => "&".into(),
                            b"lt" => "<".into(),
                            b"gt" => ">".into(),
                            b"quot" => "\"".into(),
                            b"apos" => "'".into(),
                            _ => String::new(),
                        },
                    };
                    text.push_str(&s);
                }
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                b"label" => {
                    if let Some((label, english, text)) = resource.take() {
                        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                        if !text.is_empty() {
                            link.labels.entry(label).or_default().push((english, text));
                        }
                    }
                }
                // XLink labels are local to their extended link: resolve its arcs now.
                b"labelLink" => {
                    let done = std::mem::take(&mut link);
                    for (from, to) in &done.arcs {
                        let (Some(concepts), Some(labels)) =
                            (done.locs.get(from), done.labels.get(to))
                        else {
                            continue;
                        };
                        for concept in concepts {
                            for (english, text) in labels {
                                let keep = match found.get(concept) {
                                    None => true,
                                    Some((had_english, _)) => *english && !had_english,
                                };
                                if keep {
                                    found.insert(concept.clone(), (*english, text.clone()));
                                }
                            }
                        }
                    }
                }
                _ => {}
            },
            Event::Eof if depth > 0 => {
                return Ok(Err(Problem::file(
                    name,
                    "the XML ends early (a truncated file?); expected the filing's label \
                     linkbase as EDGAR serves it",
                )))
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Ok(found.into_iter().map(|(c, (_, t))| (c, t)).collect()))
}

/// The concept a locator points at: the fragment of its href is the element's id, which
/// SEC filings write `prefix_LocalName` (EDGAR Filer Manual 6.7.12).
fn concept_of_href(href: &str) -> Option<String> {
    let (_, id) = href.rsplit_once('#')?;
    let (prefix, local) = id.split_once('_')?;
    (!prefix.is_empty() && !local.is_empty()).then(|| format!("{prefix}:{local}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locator_names_its_concept_by_the_id_in_its_href() {
        assert_eq!(
            concept_of_href(
                "https://xbrl.fasb.org/us-gaap/2022/elts/us-gaap-2022.xsd#us-gaap_ShareBasedCompensation"
            )
            .as_deref(),
            Some("us-gaap:ShareBasedCompensation")
        );
        assert_eq!(
            concept_of_href("amzn-20221231.xsd#amzn_AmazonWebServicesSegmentMember").as_deref(),
            Some("amzn:AmazonWebServicesSegmentMember")
        );
        assert_eq!(concept_of_href("amzn-20221231.xsd"), None);
    }

    #[test]
    fn standard_labels_follow_arcs_within_their_link_and_prefer_english() {
        let text = r#"<link:linkbase xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink">
  <link:labelLink xlink:type="extended">
    <link:label xlink:label="lab_A" xlink:role="http://www.xbrl.org/2003/role/terseLabel" xml:lang="en-US">Terse</link:label>
    <link:labelArc xlink:from="loc_A" xlink:to="lab_A"/>
    <link:label xlink:label="lab_A" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="de">Umsatz</link:label>
    <link:label xlink:label="lab_A" xlink:role="http://www.xbrl.org/2003/role/label" xml:lang="en-US">Revenue &amp;
      other</link:label>
    <link:loc xlink:label="loc_A" xlink:href="x.xsd#us-gaap_Revenues"/>
    <link:loc xlink:label="loc_B" xlink:href="x.xsd#amzn_Other"/>
    <link:label xlink:label="lab_B" xml:lang="en-US">No role</link:label>
    <link:labelArc xlink:from="loc_B" xlink:to="lab_B"/>
  </link:labelLink>
  <link:labelLink xlink:type="extended">
    <link:loc xlink:label="loc_C" xlink:href="x.xsd#us-gaap_Assets"/>
    <link:labelArc xlink:from="loc_C" xlink:to="lab_A"/>
  </link:labelLink>
</link:linkbase>"#;
        let labels = labels_of(&mut text.as_bytes(), "lab.xml").unwrap().unwrap();
        assert_eq!(labels["us-gaap:Revenues"], "Revenue & other");
        assert_eq!(labels["amzn:Other"], "No role");
        // lab_A of the first link is not lab_A of the second.
        assert!(!labels.contains_key("us-gaap:Assets"));
        assert_eq!(labels.len(), 2);
        let cut = &text[..text.len() / 2];
        let p = labels_of(&mut cut.as_bytes(), "lab.xml").unwrap();
        assert!(p.is_err());
    }
}

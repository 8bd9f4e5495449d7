//! Where an article comes from, as the report groups it. Takes a record (its `meta.url`, its
//! `source` path, or a field a downstream tool added) and returns a source name: by default the
//! registrable domain of the URL (`news.bbc.co.uk` → `bbc.co.uk`, `www.a.example.com` →
//! `example.com`), else the folder the article's file was in.
//!
//! The registrable domain uses a compact public-suffix list kept as data
//! (`public_suffixes.txt`): the multi-label suffixes news sites sit under, plus the default rule
//! that a lone TLD is a suffix. The full list (the `psl`/`publicsuffix` crates) has ~10,000 rules
//! compiled into code or parsed at start, for hosts a health-news report does not meet; a missing
//! suffix only ever merges two sites under one name, never splits one, and is a one-line fix.

use crate::assemble::Record;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Where `report` takes an article's source from (`--source-from`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SourceFrom {
    /// The registrable domain of `meta.url`, else the article's folder.
    #[default]
    Url,
    /// The folder the article's file was in (the `source` path), whatever the URL.
    Folder,
    /// A field of the record by dotted path (`meta.site`, `tags.outlet`), a string; else as
    /// [`SourceFrom::Url`].
    Field(String),
}

static SUFFIXES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("public_suffixes.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// The source of a record; `raw` is the record's JSON line, read only for [`SourceFrom::Field`].
pub fn source_of(rec: &Record, how: &SourceFrom, raw: Option<&serde_json::Value>) -> String {
    match how {
        SourceFrom::Folder => folder_of(&rec.source),
        SourceFrom::Field(path) => raw
            .and_then(|v| path.split('.').try_fold(v, |v, k| v.get(k)))
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| source_of(rec, &SourceFrom::Url, None)),
        SourceFrom::Url => match rec.meta.url.as_deref().and_then(host_of) {
            Some(host) => registrable_domain(&host),
            None => folder_of(&rec.source),
        },
    }
}

/// The registrable domain of a lowercase host: its public suffix plus one label. IP addresses,
/// `localhost` and hosts that are themselves a suffix are returned as they are.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim_end_matches('.');
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() || !host.contains('.') {
        return host.to_string();
    }
    let labels: Vec<&str> = host.split('.').collect();
    // The longest listed suffix; else the last label (the default rule).
    let suffix_len = (1..labels.len())
        .rev()
        .find(|&k| SUFFIXES.contains(labels[labels.len() - k..].join(".").as_str()))
        .unwrap_or(1);
    if labels.len() <= suffix_len {
        return host.to_string();
    }
    labels[labels.len() - suffix_len - 1..].join(".")
}

/// Host of a URL (lowercase, no `www.`, no port, no user), if it has one.
pub fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url.strip_prefix("//")?,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or("").to_string()
    };
    let host = host.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

/// The folder of a record's `source` path (minus a JSONL `:line` suffix), else `stdin` /
/// `unknown`.
pub fn folder_of(source: &str) -> String {
    let path = match source.rsplit_once(':') {
        Some((p, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => p,
        _ => source,
    };
    if path == "-" {
        return "stdin".into();
    }
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty() && *s != ".").collect();
    match parts.len() {
        0 | 1 => "unknown".into(),
        n => parts[n - 2].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://www.Example.com/a/b?x#y").as_deref(), Some("example.com"));
        assert_eq!(host_of("http://user:pw@news.site.org:8080/p").as_deref(), Some("news.site.org"));
        assert_eq!(host_of("//cdn.net/x").as_deref(), Some("cdn.net"));
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("[::1]"));
        assert_eq!(host_of("https://例え.jp/記事").as_deref(), Some("例え.jp"));
        assert_eq!(host_of("not a url"), None);
        assert_eq!(host_of("https:///path"), None);
        assert_eq!(host_of(""), None);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("news.site.org"), "site.org");
        assert_eq!(registrable_domain("site.org"), "site.org");
        assert_eq!(registrable_domain("news.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable_domain("bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable_domain("co.uk"), "co.uk");
        assert_eq!(registrable_domain("a.b.abc.net.au"), "abc.net.au");
        assert_eq!(registrable_domain("drx.blogspot.com"), "drx.blogspot.com");
        assert_eq!(registrable_domain("me.github.io"), "me.github.io");
        assert_eq!(registrable_domain("health.example"), "health.example");
        assert_eq!(registrable_domain("localhost"), "localhost");
        assert_eq!(registrable_domain("10.0.0.7"), "10.0.0.7");
        assert_eq!(registrable_domain("[::1]"), "[::1]");
        assert_eq!(registrable_domain("例え.jp"), "例え.jp");
    }

    #[test]
    fn folders() {
        assert_eq!(folder_of("corpus/blogs/a.txt"), "blogs");
        assert_eq!(folder_of("./feeds/daily.jsonl:12"), "feeds");
        assert_eq!(folder_of("C:\\news\\x.html"), "news");
        assert_eq!(folder_of("-:3"), "stdin");
        assert_eq!(folder_of("a.txt"), "unknown");
        assert_eq!(folder_of(""), "unknown");
        assert_eq!(folder_of("données/😀.md"), "données");
    }
}

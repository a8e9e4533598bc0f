//! Watchlist rules as data: TOML files compiled into the binary (`rules/*.toml`) and
//! added at run time with `--rules FILE`. A bad file is an error at start-up that names
//! the file and the rule, never a silent no-op.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::Confidence;
use crate::observe::Protocol;

/// Named groups a rule's pattern may use: the model and hardware version the matched
/// value names (`ipos/7.0 UPnP/1.0 (?P<model>TL-WR841N)/(?P<hw>9.0)`), for risks.
pub const CAPTURES: [&str; 2] = ["model", "hw"];

/// The watchlists compiled in: (name, TOML text).
pub const BUILT_IN: [(&str, &str); 2] = [
    ("tp-link", include_str!("rules/tp-link.toml")),
    ("fcc-covered", include_str!("rules/fcc-covered.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{origin}: {source}")]
    Toml { origin: String, source: toml::de::Error },
    #[error("{origin}: rule {rule:?}: {reason}")]
    Rule { origin: String, rule: String, reason: String },
    #[error("{origin}: {source}")]
    Io { origin: String, source: std::io::Error },
    #[error("unknown watchlist {0:?} (built in: tp-link, fcc-covered; or give --rules FILE)")]
    UnknownWatchlist(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    name: String,
    title: Option<String>,
    brand: Option<String>,
    #[serde(default)]
    vendor: Vec<VendorSpec>,
    #[serde(default)]
    rule: Vec<RuleSpec>,
    #[serde(default)]
    brand_line: Vec<BrandLineSpec>,
    #[serde(default)]
    risk: Vec<RiskSpec>,
    /// Device fields that carry a hardware version (`kasa.hw_ver` …), most trusted first.
    #[serde(default)]
    hardware_fields: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorSpec {
    pattern: String,
    brand: String,
    confidence: Confidence,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    field: String,
    pattern: String,
    confidence: Confidence,
    brand: Option<String>,
    from: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandLineSpec {
    pattern: String,
    brand: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskSpec {
    id: String,
    title: String,
    /// A known-exploited model, every hardware version: matched on the device's
    /// identified model.
    model: Option<String>,
    /// Known-exploited models, each with the hardware versions affected.
    affects: Option<Vec<AffectsSpec>>,
    /// A sign of compromise: a device field (as in rules) and a pattern.
    field: Option<String>,
    pattern: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AffectsSpec {
    model: String,
    /// Affected hardware versions (`"2"`, `"V1.2"` …); absent or empty: all of them.
    #[serde(default)]
    hardware: Vec<String>,
}

/// What a rule looks at on a device.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Field {
    Vendor,
    Hostname,
    Model,
    Firmware,
    DnsQuery,
    Service,
    Role,
    Attr { protocol: Protocol, key: String },
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        Some(match s {
            "vendor" => Field::Vendor,
            "hostname" => Field::Hostname,
            "model" => Field::Model,
            "firmware" => Field::Firmware,
            "dns_query" => Field::DnsQuery,
            "service" => Field::Service,
            "role" => Field::Role,
            other => {
                let (proto, key) = other.split_once('.')?;
                let protocol = protocol_named(proto)?;
                if key.is_empty() {
                    return None;
                }
                Field::Attr { protocol, key: key.to_string() }
            }
        })
    }

    pub fn name(&self) -> String {
        match self {
            Field::Vendor => "vendor".into(),
            Field::Hostname => "hostname".into(),
            Field::Model => "model".into(),
            Field::Firmware => "firmware".into(),
            Field::DnsQuery => "dns_query".into(),
            Field::Service => "service".into(),
            Field::Role => "role".into(),
            Field::Attr { protocol, key } => format!("{}.{key}", protocol.name()),
        }
    }
}

fn protocol_named(s: &str) -> Option<Protocol> {
    Protocol::ALL.into_iter().find(|p| p.name() == s)
}

#[derive(Clone, Debug)]
pub struct VendorRule {
    pub pattern: Regex,
    pub brand: String,
    pub confidence: Confidence,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub field: Field,
    pub pattern: Regex,
    pub confidence: Confidence,
    pub brand: Option<String>,
    /// Only facts first told by these protocols (empty: any).
    pub from: Vec<Protocol>,
}

/// A model a known-exploited vulnerability affects, and on which hardware versions.
#[derive(Clone, Debug)]
pub struct Affected {
    pub model: Regex,
    /// Normalised hardware versions ([`hardware_version`]); empty: every version.
    pub hardware: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum RiskMatch {
    Models(Vec<Affected>),
    Indicator { field: Field, pattern: Regex },
}

/// A hardware version as TP-Link writes it in different places (`2.0`, `V2`, `v1.20`,
/// `TL-SG108E 3.0`), reduced to one form: the last word, without a leading `v`, with
/// trailing zeros of the minor part dropped (`2`, `1.2`, `3`). `None` when the text
/// holds no version number.
pub fn hardware_version(text: &str) -> Option<String> {
    let word = text.split_whitespace().last()?;
    let word = word.strip_prefix(['v', 'V']).unwrap_or(word);
    let (major, minor) = word.split_once('.').unwrap_or((word, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !(minor.is_empty() || digits(minor)) {
        return None;
    }
    let major = major.trim_start_matches('0');
    let major = if major.is_empty() { "0" } else { major };
    let minor = minor.trim_end_matches('0');
    Some(if minor.is_empty() { major.to_string() } else { format!("{major}.{minor}") })
}

#[derive(Clone, Debug)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub matches: RiskMatch,
}

#[derive(Clone, Debug)]
pub struct Watchlist {
    pub name: String,
    pub title: String,
    /// The brand reported when no evidence names a more specific one.
    pub brand: String,
    pub vendors: Vec<VendorRule>,
    pub rules: Vec<Rule>,
    pub brand_lines: Vec<(Regex, String)>,
    pub risks: Vec<Risk>,
    /// Where a hardware version may be read, most trusted first.
    pub hardware_fields: Vec<Field>,
}

fn regex(origin: &str, rule: &str, pattern: &str) -> Result<Regex, RulesError> {
    // Bounded compiled size: a hostile or careless pattern fails here, not at match time.
    regex::RegexBuilder::new(pattern).size_limit(1 << 20).build().map_err(|e| RulesError::Rule {
        origin: origin.to_string(),
        rule: rule.to_string(),
        reason: format!("bad pattern: {e}"),
    })
}

/// Parses and validates one rules file. `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Watchlist, RulesError> {
    let spec: FileSpec = toml::from_str(text).map_err(|source| RulesError::Toml { origin: origin.into(), source })?;
    let bad = |rule: &str, reason: String| RulesError::Rule { origin: origin.into(), rule: rule.into(), reason };
    if spec.name.trim().is_empty() {
        return Err(bad("name", "the watchlist needs a name".into()));
    }
    let mut rules: Vec<Rule> = Vec::new();
    for r in spec.rule {
        let field = Field::parse(&r.field).ok_or_else(|| {
            bad(&r.id, format!("unknown field {:?} (hostname, model, firmware, dns_query, service, role, vendor, or <protocol>.<attribute>)", r.field))
        })?;
        let mut from = Vec::new();
        for p in r.from.unwrap_or_default() {
            from.push(protocol_named(&p).ok_or_else(|| bad(&r.id, format!("unknown protocol {p:?} in `from`")))?);
        }
        if rules.iter().any(|x| x.id == r.id) {
            return Err(bad(&r.id, "duplicate rule id".into()));
        }
        let pattern = regex(origin, &r.id, &r.pattern)?;
        if let Some(name) = pattern.capture_names().flatten().find(|n| !CAPTURES.contains(n)) {
            return Err(bad(&r.id, format!("unknown capture group {name:?} (a rule may name `model` and `hw`)")));
        }
        rules.push(Rule { pattern, id: r.id, field, confidence: r.confidence, brand: r.brand, from });
    }
    let vendors = spec
        .vendor
        .into_iter()
        .map(|v| Ok(VendorRule { pattern: regex(origin, "vendor", &v.pattern)?, brand: v.brand, confidence: v.confidence }))
        .collect::<Result<_, RulesError>>()?;
    let brand_lines = spec
        .brand_line
        .into_iter()
        .map(|b| Ok((regex(origin, "brand_line", &b.pattern)?, b.brand)))
        .collect::<Result<_, RulesError>>()?;
    let mut risks = Vec::new();
    for r in spec.risk {
        if risks.iter().any(|x: &Risk| x.id == r.id) {
            return Err(bad(&r.id, "duplicate risk id".into()));
        }
        let matches = match (&r.model, r.affects, &r.field, &r.pattern) {
            (Some(m), None, None, None) => RiskMatch::Models(vec![Affected { model: regex(origin, &r.id, m)?, hardware: Vec::new() }]),
            (None, Some(list), None, None) if !list.is_empty() => {
                let mut affected = Vec::new();
                for a in list {
                    let mut hardware = Vec::new();
                    for h in &a.hardware {
                        hardware.push(hardware_version(h).ok_or_else(|| bad(&r.id, format!("{h:?} is not a hardware version (like \"2\", \"V1.2\")")))?);
                    }
                    affected.push(Affected { model: regex(origin, &r.id, &a.model)?, hardware });
                }
                RiskMatch::Models(affected)
            }
            (None, None, Some(f), Some(p)) => RiskMatch::Indicator {
                field: Field::parse(f).ok_or_else(|| bad(&r.id, format!("unknown field {f:?}")))?,
                pattern: regex(origin, &r.id, p)?,
            },
            _ => return Err(bad(&r.id, "a risk needs exactly one of `model`, `affects` (non-empty), or `field` and `pattern`".into())),
        };
        risks.push(Risk { id: r.id, title: r.title, matches });
    }
    let mut hardware_fields = Vec::new();
    for f in &spec.hardware_fields {
        hardware_fields.push(Field::parse(f).ok_or_else(|| bad("hardware_fields", format!("unknown field {f:?}")))?);
    }
    Ok(Watchlist {
        title: spec.title.unwrap_or_else(|| spec.name.clone()),
        brand: spec.brand.unwrap_or_else(|| spec.name.clone()),
        name: spec.name,
        vendors,
        rules,
        brand_lines,
        risks,
        hardware_fields,
    })
}

impl Watchlist {
    /// Merges `other` (same name) into this list: rules with the same id replace ours,
    /// everything else is added (user entries first, so they win ties).
    pub fn merge(&mut self, other: Watchlist) {
        for r in other.rules {
            match self.rules.iter_mut().find(|x| x.id == r.id) {
                Some(x) => *x = r,
                None => self.rules.push(r),
            }
        }
        let mut v = other.vendors;
        v.append(&mut self.vendors);
        self.vendors = v;
        let mut b = other.brand_lines;
        b.append(&mut self.brand_lines);
        self.brand_lines = b;
        for r in other.risks {
            match self.risks.iter_mut().find(|x| x.id == r.id) {
                Some(x) => *x = r,
                None => self.risks.push(r),
            }
        }
        let mut h = other.hardware_fields;
        h.retain(|f| !self.hardware_fields.contains(f));
        h.append(&mut self.hardware_fields);
        self.hardware_fields = h;
    }
}

/// Builds the active watchlists: the built-in ones named in `enabled`, then every file
/// in `files` (merged into the list of the same name, or added as a new list).
pub fn load(enabled: &[String], files: &[&Path]) -> Result<Vec<Watchlist>, RulesError> {
    let mut lists = Vec::new();
    for name in enabled {
        let (_, text) = BUILT_IN.iter().find(|(n, _)| n == name).ok_or_else(|| RulesError::UnknownWatchlist(name.clone()))?;
        lists.push(parse(text, &format!("built-in rules {name}"))?);
    }
    for f in files {
        let origin = f.display().to_string();
        let text = std::fs::read_to_string(f).map_err(|source| RulesError::Io { origin: origin.clone(), source })?;
        let w = parse(&text, &origin)?;
        match lists.iter_mut().find(|l: &&mut Watchlist| l.name == w.name) {
            Some(existing) => existing.merge(w),
            None => lists.push(w),
        }
    }
    Ok(lists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rules_are_valid() {
        for (name, text) in BUILT_IN {
            let w = parse(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(w.name, name);
            assert!(!w.vendors.is_empty() && !w.rules.is_empty() && !w.brand_lines.is_empty());
        }
        let tp = parse(BUILT_IN[0].1, "t").unwrap();
        assert_eq!(tp.risks.len(), 11);
    }

    #[test]
    fn bad_files_are_clear_errors() {
        let e = parse("name = 'x'\n[[rule]]\nid='r1'\nfield='nonsense'\npattern='.'\nconfidence='high'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("f.toml") && e.to_string().contains("r1") && e.to_string().contains("unknown field"), "{e}");
        let e = parse("name = 'x'\n[[rule]]\nid='r2'\nfield='hostname'\npattern='('\nconfidence='high'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("bad pattern"), "{e}");
        let e = parse("name = 'x'\n[[rule]]\nid='r3'\nfield='hostname'\npattern='a'\nconfidence='certain'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("f.toml"), "{e}");
        let e = parse("name = 'x'\nfoo = 1\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("foo"), "{e}");
        let e = parse("name = 'x'\n[[rule]]\nid='r4'\nfield='nosuchproto.key'\npattern='a'\nconfidence='low'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
        assert!(matches!(load(&["nope".into()], &[]), Err(RulesError::UnknownWatchlist(_))));
        let e = parse("name = 'x'\n[[risk]]\nid='k'\ntitle='t'\nmodel='a'\nfield='hostname'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("exactly one of"), "{e}");
    }

    #[test]
    fn hardware_versions_normalise() {
        for (text, want) in [
            ("2.0", Some("2")),
            ("V2", Some("2")),
            ("v1.20", Some("1.2")),
            ("1.2", Some("1.2")),
            ("10.0", Some("10")),
            ("TL-SG108E 3.0", Some("3")),
            ("0.0", Some("0")),
            ("", None),
            ("2.x", None),
            ("Rev A", None),
            ("12345.0", None),
        ] {
            assert_eq!(hardware_version(text).as_deref(), want, "{text:?}");
        }
    }

    #[test]
    fn risk_and_capture_errors_name_the_rule() {
        let e = parse("name='x'\n[[risk]]\nid='k'\ntitle='t'\naffects=[{model='a', hardware=['two']}]\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("\"two\" is not a hardware version") && e.to_string().contains("\"k\""), "{e}");
        let e = parse("name='x'\n[[risk]]\nid='k'\ntitle='t'\naffects=[]\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("exactly one of"), "{e}");
        let e = parse("name='x'\n[[risk]]\nid='k'\ntitle='t'\nmodel='a'\n[[risk]]\nid='k'\ntitle='u'\nmodel='b'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("duplicate risk id"), "{e}");
        let e = parse("name='x'\n[[rule]]\nid='r'\nfield='hostname'\npattern='(?P<modle>a)'\nconfidence='low'\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("unknown capture group \"modle\""), "{e}");
        let e = parse("name='x'\nhardware_fields=['kasa']\n", "f.toml").unwrap_err();
        assert!(e.to_string().contains("hardware_fields"), "{e}");
    }

    #[test]
    fn user_rules_merge_by_name_and_id() {
        let mut base = parse(BUILT_IN[0].1, "t").unwrap();
        let n = base.rules.len();
        let user = parse(
            "name='tp-link'\n[[rule]]\nid='hostname-word'\nfield='hostname'\npattern='(?i)tplink'\nconfidence='medium'\n\
             [[rule]]\nid='mine'\nfield='ssdp.server'\npattern='X'\nconfidence='high'\n",
            "u",
        )
        .unwrap();
        base.merge(user);
        assert_eq!(base.rules.len(), n + 1);
        assert_eq!(base.rules.iter().find(|r| r.id == "hostname-word").unwrap().confidence, Confidence::Medium);
    }
}

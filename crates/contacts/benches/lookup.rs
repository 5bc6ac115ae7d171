//! Caller lookup in a 50,000-contact directory (see BENCHMARK.md).
//!
//! Generates a vCard file of 50,000 contacts whose numbers are written the many ways real
//! address books write them (`+49 30 1234567`, `030 1234567`, `0049 (0)30 123-4567`, mobiles,
//! foreign numbers, extensions), imports it through a file source at a German desk, and then
//! times what the app does when a call rings: `Directory::lookup` for
//!
//! * a hit — a contact's number as a phone reports it, in another format than stored,
//! * a miss — a number nobody has,
//! * the first lookup after opening the directory (a fresh `Directory` on the existing cache).
//!
//! Prints median and p95 of each. `cargo bench -p callpop-contacts --bench lookup`;
//! `CONTACTS_BENCH_CONTACTS` and `CONTACTS_BENCH_ROUNDS` change the sizes.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use callpop_contacts::{
    ContactsSettings, Directory, FileSourceSettings, Secrets, SourceSettings, SyncOutcome,
};
use callpop_phone::number::DialingRules;

/// A small deterministic generator (xorshift64*), so every run measures the same directory.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn digits(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// One contact's number: how the address book writes it, and how a phone would report the
/// same number when it rings (`None` for extensions, which ring as they are).
struct Number {
    written: String,
    rung: String,
    key: String,
}

fn german_landline(r: &mut Random) -> Number {
    const AREAS: [&str; 8] = ["30", "40", "89", "221", "69", "711", "211", "341"];
    let area = AREAS[r.below(AREAS.len() as u64) as usize];
    let subscriber = format!("{}{}", 1 + r.below(9), r.digits(6));
    let written = match r.below(5) {
        0 => format!("+49 {area} {subscriber}"),
        1 => format!("0{area} {subscriber}"),
        2 => format!("+49 (0){area} {}-{}", &subscriber[..3], &subscriber[3..]),
        3 => format!("0049 {area} {subscriber}"),
        _ => format!("(0{area}) {}", subscriber),
    };
    Number {
        written,
        rung: format!("0{area}{subscriber}"),
        key: format!("+49{area}{subscriber}"),
    }
}

fn german_mobile(r: &mut Random) -> Number {
    const PREFIXES: [&str; 6] = ["151", "160", "170", "171", "176", "179"];
    let prefix = PREFIXES[r.below(PREFIXES.len() as u64) as usize];
    let subscriber = format!("{}{}", 1 + r.below(9), r.digits(6));
    let written = match r.below(3) {
        0 => format!("0{prefix} {subscriber}"),
        1 => format!("+49 {prefix} {subscriber}"),
        _ => format!("0{prefix}/{subscriber}"),
    };
    Number {
        written,
        rung: format!("+49{prefix}{subscriber}"),
        key: format!("+49{prefix}{subscriber}"),
    }
}

fn foreign(r: &mut Random) -> Number {
    match r.below(3) {
        0 => {
            let line = r.digits(4);
            let exchange = format!("{}{}", 2 + r.below(7), r.digits(2));
            Number {
                written: format!("+1 (416) {exchange}-{line}"),
                rung: format!("001416{exchange}{line}"),
                key: format!("+1416{exchange}{line}"),
            }
        }
        1 => {
            let rest = r.digits(7);
            Number {
                written: format!("+44 20 {} {}", &rest[..3], &rest[3..]),
                rung: format!("004420{rest}"),
                key: format!("+4420{rest}"),
            }
        }
        _ => {
            let rest = r.digits(8);
            Number {
                written: format!(
                    "+33 1 {} {} {} {}",
                    &rest[..2],
                    &rest[2..4],
                    &rest[4..6],
                    &rest[6..]
                ),
                rung: format!("00331{rest}"),
                key: format!("+331{rest}"),
            }
        }
    }
}

fn extension(r: &mut Random) -> Number {
    let ext = format!("{}{}", 1 + r.below(9), r.digits(3));
    Number {
        written: ext.clone(),
        rung: ext.clone(),
        key: ext,
    }
}

fn any_number(r: &mut Random) -> Number {
    match r.below(20) {
        0..=8 => german_landline(r),
        9..=14 => german_mobile(r),
        15..=18 => foreign(r),
        _ => extension(r),
    }
}

/// Writes the directory as one vCard file; returns (name, number rung) for every contact.
fn generate(path: &Path, contacts: usize) -> Vec<(String, String)> {
    let mut r = Random(0x9E37_79B9_7F4A_7C15);
    let mut used = HashSet::new();
    let mut file = String::with_capacity(contacts * 160);
    let mut rung = Vec::with_capacity(contacts);
    const GIVEN: [&str; 10] = [
        "Anna", "Jürgen", "Ayşe", "Bob", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro",
    ];
    const FAMILY: [&str; 10] = [
        "Müller", "Schmidt", "Öztürk", "Smith", "Dubois", "Ivanov", "Novak", "Haddad", "Lee",
        "Tanaka",
    ];
    for i in 0..contacts {
        let name = format!(
            "{} {} {i}",
            GIVEN[r.below(10) as usize],
            FAMILY[r.below(10) as usize]
        );
        let mut numbers = Vec::new();
        for _ in 0..(1 + r.below(3)) {
            let number = loop {
                let candidate = any_number(&mut r);
                if used.insert(candidate.key.clone()) {
                    break candidate;
                }
            };
            numbers.push(number);
        }
        let _ = write!(
            file,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i}\r\nFN:{name}\r\nORG:Company {}\r\n",
            i % 500
        );
        for (n, number) in numbers.iter().enumerate() {
            let kind = ["work", "cell", "home"][n % 3];
            let _ = write!(file, "TEL;TYPE={kind}:{}\r\n", number.written);
        }
        file.push_str("END:VCARD\r\n");
        rung.push((name, numbers[0].rung.clone()));
    }
    std::fs::write(path, file).expect("write the generated directory");
    rung
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label:<34} n={:<5} median {:>9.1} µs   p95 {:>9.1} µs   max {:>9.1} µs",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e6,
        percentile(&samples, 0.95).as_secs_f64() * 1e6,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e6,
    );
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let contacts = env_usize("CONTACTS_BENCH_CONTACTS", 50_000);
    let rounds = env_usize("CONTACTS_BENCH_ROUNDS", 2_000);
    let reopen_rounds = 30;
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let vcf = dir.path().join("directory.vcf");
    let store = dir.path().join("contacts.sqlite3");
    let rules = DialingRules {
        country: "DE".into(),
        ..DialingRules::default()
    };
    let settings = ContactsSettings {
        sources: vec![SourceSettings::File(FileSourceSettings {
            path: vcf.clone(),
            ..Default::default()
        })],
        ..Default::default()
    };

    let started = Instant::now();
    let people = generate(&vcf, contacts);
    let file_size = std::fs::metadata(&vcf).map(|m| m.len()).unwrap_or(0);
    println!(
        "generated {contacts} contacts ({:.1} MB vCard) in {:.2} s",
        file_size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    runtime.block_on(async {
        let no_secrets = Secrets::new();
        let open = || Directory::open(&settings, &rules, &no_secrets, &store);
        let directory = open().await.expect("open");
        let started = Instant::now();
        let imported = directory.refresh_files().await;
        match &imported[0].outcome {
            SyncOutcome::FileImported { contacts } => println!(
                "imported {contacts} contacts into the cache in {:.2} s (once per file change)",
                started.elapsed().as_secs_f64()
            ),
            other => panic!("import failed: {other:?}"),
        }
        let db_size = std::fs::metadata(&store).map(|m| m.len()).unwrap_or(0)
            + std::fs::metadata(store.with_extension("sqlite3-wal"))
                .map(|m| m.len())
                .unwrap_or(0);
        println!("cache size {:.1} MB", db_size as f64 / 1e6);

        let mut r = Random(42);
        // Warm-up, and a check that the benchmark measures real hits.
        for _ in 0..200 {
            let (name, number) = &people[r.below(people.len() as u64) as usize];
            let found = directory.lookup(number).await.map(|m| m.name);
            assert_eq!(found.as_deref(), Some(name.as_str()), "{number}");
        }

        let mut hits = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let (name, number) = &people[r.below(people.len() as u64) as usize];
            let t = Instant::now();
            let found = directory.lookup(number).await;
            hits.push(t.elapsed());
            assert_eq!(found.map(|m| m.name).as_deref(), Some(name.as_str()));
        }

        let mut misses = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            // 0900 premium numbers: nobody in the directory has one.
            let number = format!("0900 {}", r.digits(7));
            let t = Instant::now();
            let found = directory.lookup(&number).await;
            misses.push(t.elapsed());
            assert_eq!(found, None, "{number}");
        }
        drop(directory);

        let mut opens = Vec::with_capacity(reopen_rounds);
        let mut first_lookups = Vec::with_capacity(reopen_rounds);
        for _ in 0..reopen_rounds {
            let (name, number) = &people[r.below(people.len() as u64) as usize];
            let t = Instant::now();
            let directory = open().await.expect("reopen");
            opens.push(t.elapsed());
            let t = Instant::now();
            let found = directory.lookup(number).await;
            first_lookups.push(t.elapsed());
            assert_eq!(found.map(|m| m.name).as_deref(), Some(name.as_str()));
        }

        println!();
        report("lookup, hit", hits);
        report("lookup, miss", misses);
        report("Directory::open (existing cache)", opens);
        report("first lookup after open, hit", first_lookups);
    });
}

//! (being written)
#[cfg(test)]
mod scratch {
    use phonenumber::{country, Mode, metadata::DATABASE};
    #[test]
    fn probe() {
        for (c, s) in [
            (country::US, "+14165550123"), (country::US, "4165550123"), (country::US, "+12125550199"),(country::US, "2025550123"),
            (country::US, "5550199"), (country::DE, "+4930123456"), (country::DE, "030123456"), (country::DE, "+49301234567"),
            (country::DE, "0049301234567"), (country::DE, "+4930"), (country::GB, "02079460018"), (country::GB, "+442079460018"),
            (country::FR, "0142685300"), (country::FR, "+33142685300"), (country::US, "01133142685300"), (country::IT, "+390612345678"),
            (country::US, "+1 416 555 0123"), (country::US, "+999123456"), (country::DE, "+4901711234567"), (country::US, "911"), (country::DE, "+49 30 12345"),
            (country::US, "+49123"), (country::US,"800 FLOWERS"), (country::US, "+44 7911 123456"), (country::DE, "+49 171 1234567"), (country::US, "+12345678901234567"),
        ] {
            match phonenumber::parse(Some(c), s) {
                Ok(n) => {
                    let meta = n.metadata(&DATABASE).map(|m| (m.id().to_string(), m.national_prefix().map(str::to_string), m.preferred_international_prefix().map(str::to_string), m.international_prefix().map(|r| r.as_str().to_string())));
                    println!("{c:?} {s:?} -> {} valid={} intl={} nat={} id={:?} src={:?} zeros={} meta={meta:?}", n.format().mode(Mode::E164), n.is_valid(), n.format().mode(Mode::International), n.format().mode(Mode::National), n.country().id(), n.code().source(), n.national().zeros())
                }
                Err(e) => println!("{c:?} {s:?} -> ERR {e:?}"),
            }
        }
    }
}

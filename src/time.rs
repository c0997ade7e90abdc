//! Times and durations: RFC 3339 parsing into seconds since the epoch (UTC)
//! and back. Small enough that a dependency would not pay for itself.

/// Parse `30m`, `72h`, `30d`, `2w` into seconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let scale: i64 = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("unknown unit `{unit}`; use m, h, d or w")),
    };
    digits
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| "this duration is too large".to_string())
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn num(text: &str, what: &str, digits: usize, max: i64) -> Result<i64, String> {
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the {what} must have {digits} digits"));
    }
    let v: i64 = text.parse().map_err(|_| format!("bad {what}"))?;
    if v > max {
        return Err(format!("the {what} must be at most {max}"));
    }
    Ok(v)
}

/// Parse an RFC 3339 date or date-time into seconds since the epoch (UTC).
/// A date alone means 00:00 UTC.
pub fn parse_time(text: &str) -> Result<i64, String> {
    match canonical(text) {
        Some(secs) => Ok(secs),
        None => parse_any_time(text),
    }
}

/// The two spellings reports use most, `2021-06-01` and
/// `2021-06-01T10:00:00Z`, read without splitting the text; `None` for
/// any other spelling, or any out-of-range field (left to the general
/// reader and its messages).
fn canonical(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        b.get(r)?.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    if !(b.len() == 10 || b.len() == 20) || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    if b.len() == 20 {
        if b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
            return None;
        }
        let (h, mi, s) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        if h > 23 || mi > 59 || s > 60 {
            return None;
        }
        secs += h * 3600 + mi * 60 + s;
    }
    Some(secs)
}

/// Any RFC 3339 date or date-time this language accepts.
fn parse_any_time(text: &str) -> Result<i64, String> {
    let (date, rest) = match text.find(['T', 't']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("expected YYYY-MM-DD".into());
    };
    let y = num(y, "year", 4, 9999)?;
    let m = num(m, "month", 2, 12)?;
    if m == 0 {
        return Err("months run from 01 to 12".into());
    }
    let d = num(d, "day", 2, 31)?;
    if d == 0 || d > days_in_month(y, m) {
        return Err(format!("day {d} does not exist in {y}-{m:02}"));
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let Some(rest) = rest else {
        return Ok(secs);
    };
    let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (c, o) = rest.split_at(i);
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let mut hm = o[1..].split(':');
        let (Some(h), Some(mi), None) = (hm.next(), hm.next(), hm.next()) else {
            return Err("the offset must be +HH:MM or -HH:MM".into());
        };
        let off = num(h, "offset hour", 2, 23)? * 3600 + num(mi, "offset minute", 2, 59)? * 60;
        (c, sign * off)
    } else {
        return Err("a time of day needs `Z` or an offset such as `+03:00`".into());
    };
    let mut hms = clock.split(':');
    let h = num(hms.next().unwrap_or(""), "hour", 2, 23)?;
    let mi = num(hms.next().unwrap_or(""), "minute", 2, 59)?;
    let s = match hms.next() {
        Some(s) => {
            let whole = s.split('.').next().unwrap_or("");
            num(whole, "second", 2, 60)?
        }
        None => 0,
    };
    if hms.next().is_some() {
        return Err("expected HH:MM or HH:MM:SS".into());
    }
    secs += h * 3600 + mi * 60 + s - offset;
    Ok(secs)
}

/// Format seconds since the epoch as RFC 3339 in UTC (`2017-06-27T09:00:00Z`).
pub fn format_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The earliest end of a time written `?` (§6): before any time a report
/// can write. Shifted by a duration it stays before every such time.
pub const PAST: i64 = i64::MIN;

/// Earlier than this, a bound came from [`PAST`]: no written time (year 0
/// at the earliest) is before it.
const WRITABLE: i64 = -62_167_219_200 - 1_000 * 366 * 86_400;

/// A time that may be imprecise, as a report writes it: `T`, `T1 .. T2`,
/// `?` (no known bound), or `? .. T2`.
pub fn format_interval(lo: i64, hi: i64) -> String {
    let past = lo < WRITABLE;
    match (past, lo == hi) {
        (true, _) => format!("? .. {}", format_time(hi)),
        (false, true) => format_time(lo),
        (false, false) => format!("{} .. {}", format_time(lo), format_time(hi)),
    }
}

/// Format seconds as the largest exact unit (`72h`, `2w`, `90m`).
pub fn format_duration(secs: i64) -> String {
    for (unit, scale) in [("w", 7 * 86_400), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs % scale == 0 {
            return format!("{}{unit}", secs / scale);
        }
    }
    format!("{secs}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick reader of the common spellings agrees with the general
    /// one, in range and out of it.
    #[test]
    fn canonical_spellings_read_as_the_general_reader_reads_them() {
        let mut seen = 0;
        for y in ["0000", "1970", "2000", "2024", "2100", "9999", "19a0"] {
            for m in ["00", "01", "02", "09", "12", "13", "1x"] {
                for d in ["00", "01", "28", "29", "30", "31", "32"] {
                    let date = format!("{y}-{m}-{d}");
                    assert_eq!(parse_time(&date), parse_any_time(&date), "{date}");
                    for (h, mi, s) in [
                        ("00", "00", "00"),
                        ("23", "59", "60"),
                        ("24", "00", "00"),
                        ("12", "60", "00"),
                        ("12", "30", "61"),
                        ("0a", "00", "00"),
                    ] {
                        for (t, z) in [('T', 'Z'), ('t', 'z'), ('T', 'x')] {
                            let full = format!("{date}{t}{h}:{mi}:{s}{z}");
                            assert_eq!(parse_time(&full), parse_any_time(&full), "{full}");
                            seen += usize::from(canonical(&full).is_some());
                        }
                    }
                }
            }
        }
        assert!(seen > 100, "the quick reader was tried on {seen} texts");
    }

    #[test]
    fn dates_and_offsets() {
        assert_eq!(parse_time("1970-01-01"), Ok(0));
        assert_eq!(parse_time("2017-06-27T09:00Z"), Ok(1_498_554_000));
        assert_eq!(parse_time("2017-06-27T12:00:00+03:00"), Ok(1_498_554_000));
        assert!(parse_time("2017-02-29").is_err());
        assert!(parse_time("2016-02-29").is_ok());
        assert!(parse_time("2017-06-27T09:00").is_err());
        assert_eq!(format_time(1_498_554_000), "2017-06-27T09:00:00Z");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("72h"), Ok(259_200));
        assert!(parse_duration("3s").is_err());
        assert!(parse_duration("99999999999999999w").is_err());
        assert_eq!(format_duration(259_200), "3d");
    }
}

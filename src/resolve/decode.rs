//! Bytes to source text, without ever losing one: a file is UTF-8 (§1) or
//! it is refused with one error that says where the first byte that is not
//! UTF-8 is and what the file probably is (Windows-1252 or Latin-1, UTF-16,
//! a binary file). A UTF-8 byte-order mark is accepted: it is taken off
//! the text the front end sees (so columns are those an editor shows) and
//! remembered, so `norma fmt` writes it back.
//!
//! Never decodes lossily, never guesses a text out of bytes that are not
//! UTF-8: a refused file is never parsed, checked or rewritten.

use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's bytes as the front end reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text after the byte-order mark, or — when `error` is set — the
    /// valid UTF-8 before the first byte refused (so the error can point
    /// into it), never parsed.
    pub text: String,
    /// The file began with a UTF-8 byte-order mark.
    pub bom: bool,
    /// Why the file is refused, if it is.
    pub error: Option<DecodeError>,
}

/// Why a file's bytes are not a Norma source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in [`Decoded::text`] where the error points.
    pub offset: usize,
    pub message: String,
    pub label: String,
    pub note: String,
}

impl Decoded {
    /// Text that is UTF-8 already (an editor's buffer, a test's string),
    /// taken as it is.
    pub fn plain(text: String) -> Decoded {
        Decoded {
            text,
            bom: false,
            error: None,
        }
    }
}

impl DecodeError {
    /// The one diagnostic a refused file gets (E0101, at the bad byte).
    pub fn diagnostic(&self, file: FileId) -> Diagnostic {
        Diagnostic::new(
            Code::E0101,
            Span::new(file, self.offset, self.offset),
            self.message.clone(),
        )
        .with_label_here(self.label.clone())
        .with_note(self.note.clone())
    }
}

/// Decode a file's bytes. Never fails: a refused file comes back with
/// `error` set and the valid text before the error.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let endian = if bytes[0] == 0xFF { "little" } else { "big" };
        return refused(
            String::new(),
            false,
            format!("this file is UTF-16 ({endian}-endian, with a byte-order mark), not UTF-8"),
            "the file starts with a UTF-16 byte-order mark".to_string(),
            "Norma reads UTF-8 only: save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)".to_string(),
        );
    }
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest.to_vec()),
        None => (false, bytes),
    };
    if looks_like_utf16(&body) {
        return refused(
            String::new(),
            bom,
            "this file looks like UTF-16 (every other byte is zero), not UTF-8".to_string(),
            "UTF-16 text".to_string(),
            "Norma reads UTF-8 only: save the file as UTF-8".to_string(),
        );
    }
    // Validated once: a large file's text is most of the work here. A NUL
    // before the first byte that is not UTF-8 makes it a binary file.
    let (body, at) = match String::from_utf8(body) {
        Ok(text) => {
            return match text.bytes().position(|b| b == 0) {
                None => Decoded {
                    text,
                    bom,
                    error: None,
                },
                Some(nul) => binary(text.as_bytes(), nul, bom),
            };
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (e.into_bytes(), at)
        }
    };
    if let Some(nul) = body[..at].iter().position(|&b| b == 0) {
        return binary(&body, nul, bom);
    }
    let prefix = prefix_text(&body, at);
    let (line, col) = line_col(&prefix);
    let byte = body[at];
    let (guess, note) = guess_encoding(&body, byte);
    refused(
        prefix,
        bom,
        format!(
            "this file is not valid UTF-8: byte 0x{byte:02X} at line {line}, column {col}{guess}"
        ),
        format!("byte 0x{byte:02X} is not UTF-8"),
        note,
    )
}

/// A file refused for the NUL byte at `at`.
fn binary(body: &[u8], at: usize, bom: bool) -> Decoded {
    let prefix = prefix_text(body, at);
    let (line, col) = line_col(&prefix);
    refused(
        prefix,
        bom,
        format!("this is a binary file, not Norma source: a NUL byte at line {line}, column {col}"),
        "NUL byte here".to_string(),
        "Norma sources are UTF-8 text; was the wrong file named?".to_string(),
    )
}

fn refused(text: String, bom: bool, message: String, label: String, note: String) -> Decoded {
    Decoded {
        error: Some(DecodeError {
            offset: text.len(),
            message,
            label,
            note,
        }),
        text,
        bom,
    }
}

/// The valid UTF-8 before `at`.
fn prefix_text(body: &[u8], at: usize) -> String {
    std::str::from_utf8(&body[..at])
        .map(str::to_string)
        .unwrap_or_default()
}

/// 1-based line and column (in characters) of the end of `prefix`.
fn line_col(prefix: &str) -> (usize, usize) {
    let line = prefix.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = prefix.rfind('\n').map_or(0, |i| i + 1);
    (line, prefix[start..].chars().count() + 1)
}

/// Most bytes zero at odd (or at even) offsets: UTF-16 text without a
/// byte-order mark.
fn looks_like_utf16(body: &[u8]) -> bool {
    let sample = &body[..body.len().min(4096)];
    if sample.len() < 4 {
        return false;
    }
    let pairs = sample.len() / 2;
    let zero_odd = sample
        .chunks_exact(2)
        .filter(|p| p[1] == 0 && p[0] != 0)
        .count();
    let zero_even = sample
        .chunks_exact(2)
        .filter(|p| p[0] == 0 && p[1] != 0)
        .count();
    zero_odd * 10 >= pairs * 8 || zero_even * 10 >= pairs * 8
}

/// What a file with a non-UTF-8 byte probably is: Windows-1252/Latin-1
/// when no byte of it starts a well-formed multi-byte UTF-8 sequence and
/// the bytes are the letters of those code pages; otherwise unknown.
fn guess_encoding(body: &[u8], byte: u8) -> (String, String) {
    let high = body.iter().filter(|&&b| b >= 0x80).count();
    let control = body
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    if control == 0 && high * 4 <= body.len().max(1) {
        let shown = windows_1252(byte)
            .map(|c| format!(" (`{c}` in Windows-1252)"))
            .unwrap_or_default();
        (
            format!("{shown}; the file is probably Windows-1252 or Latin-1 (ISO 8859-1)"),
            "Norma reads UTF-8 only and changes nothing in this file: save it as UTF-8 (in most editors: \"Save with encoding\" → UTF-8), or convert it with `iconv -f WINDOWS-1252 -t UTF-8`".to_string(),
        )
    } else {
        (
            "; it does not look like text in any encoding Norma knows (a binary file?)".to_string(),
            "Norma sources are UTF-8 text; Norma changes nothing in this file".to_string(),
        )
    }
}

/// The character a byte stands for in Windows-1252 (a superset of the
/// printable Latin-1), if any.
fn windows_1252(byte: u8) -> Option<char> {
    const HIGH: [char; 32] = [
        '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0',
        '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => Some(HIGH[usize::from(byte - 0x80)]).filter(|&c| c != '\0'),
        0xA1..=0xFF => char::from_u32(u32::from(byte)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_and_the_bom_is_kept_aside() {
        let d = decode(b"\xEF\xBB\xBFnorm n {}\n".to_vec());
        assert_eq!(d.text, "norm n {}\n");
        assert!(d.bom && d.error.is_none());
        let d = decode("enum E { é }".as_bytes().to_vec());
        assert!(!d.bom && d.error.is_none());
    }

    #[test]
    fn windows_1252_is_named_with_line_and_column() {
        let d = decode(b"// ok\nnorm n \"L\xe9gitime d\xe9fense\" {}\n".to_vec());
        let e = d.error.expect("refused");
        assert!(
            e.message.contains("byte 0xE9 at line 2, column 10"),
            "{}",
            e.message
        );
        assert!(e.message.contains("`é` in Windows-1252"), "{}", e.message);
        assert!(e.message.contains("Latin-1"), "{}", e.message);
        assert_eq!(d.text, "// ok\nnorm n \"L");
        assert_eq!(e.offset, d.text.len());
    }

    #[test]
    fn utf16_is_refused_with_or_without_bom() {
        let le: Vec<u8> = "\u{feff}norm n {}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let e = decode(le.clone()).error.expect("refused");
        assert!(e.message.contains("UTF-16 (little-endian"), "{}", e.message);
        assert!(e.note.contains("save the file as UTF-8"));
        let e = decode(le[2..].to_vec()).error.expect("refused");
        assert!(e.message.contains("looks like UTF-16"), "{}", e.message);
    }

    #[test]
    fn nul_bytes_make_a_binary_file() {
        let e = decode(b"\x7fELF\x02\x01\x01\x00\x00\xff".to_vec())
            .error
            .expect("refused");
        assert!(e.message.contains("binary file"), "{}", e.message);
        assert!(e.message.contains("line 1, column 8"), "{}", e.message);
        // Valid UTF-8 with a NUL is binary too.
        let e = decode(b"enum E { a }\n\x00".to_vec())
            .error
            .expect("refused");
        assert!(e.message.contains("binary file"), "{}", e.message);
        assert!(e.message.contains("line 2, column 1"), "{}", e.message);
        // A byte that is not UTF-8 before the NUL is what is reported.
        let e = decode(b"ab\xff\x00".to_vec()).error.expect("refused");
        assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
    }
}

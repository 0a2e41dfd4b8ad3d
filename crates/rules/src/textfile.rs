//! Text files as offices save them: UTF-8 (with or without the byte-order mark Excel writes) or
//! GB18030, of which GBK and GB2312 are subsets (what Excel writes for "CSV" on Chinese Windows).
//! Both are read to UTF-8 before anything else looks at them; a file that is neither gets one
//! clear message with the place where it stops making sense, not one error per cell.

use encoding_rs::{DecoderResult, GB18030};
use qiangke_i18n::Msg;
use std::borrow::Cow;
use std::io::{self, Read};

const BOM: &[u8] = b"\xef\xbb\xbf";

/// The encoding a file was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
}

/// Where the text is neither encoding: the line (from 1) and byte (from 1) of the first bad byte.
fn neither(bytes: &[u8], at: usize) -> Msg {
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    Msg::new("file-neither-encoding").arg("line", line).arg("byte", at + 1)
}

/// Which encoding `head` (the start of a file, possibly cut inside a character when `complete`
/// is false) is in, or where it is neither.
fn sniff(head: &[u8], complete: bool) -> Result<Encoding, Msg> {
    match std::str::from_utf8(head) {
        Ok(_) => return Ok(Encoding::Utf8),
        // Cut inside a character at the end of an incomplete head: still UTF-8.
        Err(e) if e.error_len().is_none() && !complete => return Ok(Encoding::Utf8),
        Err(_) => {}
    }
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(head.len()).unwrap_or(head.len() * 3));
    let (result, read) = decoder.decode_to_string_without_replacement(head, &mut out, complete);
    match result {
        DecoderResult::InputEmpty => Ok(Encoding::Gb18030),
        DecoderResult::Malformed(bad, extra) => Err(neither(head, read.saturating_sub(bad as usize + extra as usize))),
        DecoderResult::OutputFull => unreachable!("the output was sized for the whole input"),
    }
}

/// A whole file's bytes as UTF-8 text: a leading BOM dropped; GB18030/GBK decoded.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Msg> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match sniff(bytes, true)? {
        Encoding::Utf8 => Ok(Cow::Borrowed(std::str::from_utf8(bytes).expect("sniffed as UTF-8"))),
        Encoding::Gb18030 => {
            let (text, _) = GB18030.decode_without_bom_handling(bytes);
            Ok(Cow::Owned(text.into_owned()))
        }
    }
}

/// How much of a stream is looked at to tell its encoding.
const SNIFF: usize = 64 * 1024;

/// A reader that gives UTF-8 whatever the file was saved in (see [`decode`]); the encoding is
/// told from the first 64 KiB. Bytes of a UTF-8 file pass through untouched (a later bad byte
/// is reported where it is read, as before); a GB18030 file is decoded as it streams, and a
/// malformed sequence in it is an `InvalidData` error naming its place.
pub struct Utf8Reader<R> {
    inner: R,
    encoding: Encoding,
    /// Bytes read ahead (the sniffed head, then undecoded input) and how far they are used.
    raw: Vec<u8>,
    raw_pos: usize,
    /// Decoded text not yet handed out.
    out: Vec<u8>,
    out_pos: usize,
    decoder: Option<encoding_rs::Decoder>,
    eof: bool,
    /// Bytes consumed before `raw`, for error places.
    consumed: u64,
}

impl<R> std::fmt::Debug for Utf8Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Utf8Reader").field("encoding", &self.encoding).finish_non_exhaustive()
    }
}

impl<R: Read> Utf8Reader<R> {
    /// Reads the head of `inner` and tells its encoding; the outer `Err` is an I/O error, the
    /// inner one says why the text is neither encoding.
    pub fn new(mut inner: R) -> io::Result<Result<Self, Msg>> {
        let mut raw = Vec::with_capacity(SNIFF);
        let mut eof = false;
        while raw.len() < SNIFF {
            let mut buf = [0u8; 8192];
            let n = inner.read(&mut buf[..(SNIFF - raw.len()).min(8192)])?;
            if n == 0 {
                eof = true;
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        let start = if raw.starts_with(BOM) { BOM.len() } else { 0 };
        let encoding = match sniff(&raw[start..], eof) {
            Ok(e) => e,
            Err(m) => return Ok(Err(m)),
        };
        let decoder = (encoding == Encoding::Gb18030).then(|| GB18030.new_decoder_without_bom_handling());
        Ok(Ok(Utf8Reader { inner, encoding, raw, raw_pos: start, out: Vec::new(), out_pos: 0, decoder, eof, consumed: 0 }))
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(decoder) = self.decoder.as_mut() else {
            // UTF-8: the head, then the rest as it comes.
            if self.raw_pos < self.raw.len() {
                let n = buf.len().min(self.raw.len() - self.raw_pos);
                buf[..n].copy_from_slice(&self.raw[self.raw_pos..self.raw_pos + n]);
                self.raw_pos += n;
                return Ok(n);
            }
            return self.inner.read(buf);
        };
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.raw_pos >= self.raw.len() {
                if self.eof {
                    // Flush a sequence cut by the end of the file.
                    self.out.clear();
                    self.out_pos = 0;
                    self.out.resize(16, 0);
                    let (result, _, written) = decoder.decode_to_utf8_without_replacement(&[], &mut self.out, true);
                    self.out.truncate(written);
                    if let DecoderResult::Malformed(..) = result {
                        return Err(io::Error::new(io::ErrorKind::InvalidData, "the file ends inside a GB18030 character"));
                    }
                    if self.out.is_empty() {
                        return Ok(0);
                    }
                    continue;
                }
                self.consumed += self.raw.len() as u64;
                self.raw.resize(SNIFF, 0);
                let n = self.inner.read(&mut self.raw)?;
                self.raw.truncate(n);
                self.raw_pos = 0;
                self.eof = n == 0;
                continue;
            }
            let input = &self.raw[self.raw_pos..];
            self.out.clear();
            self.out_pos = 0;
            self.out.resize(decoder.max_utf8_buffer_length_without_replacement(input.len()).unwrap_or(input.len() * 3 + 16), 0);
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(input, &mut self.out, false);
            self.out.truncate(written);
            self.raw_pos += read;
            match result {
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad, extra) => {
                    let at = self.consumed + self.raw_pos.saturating_sub(bad as usize + extra as usize) as u64;
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("the GB18030/GBK text is malformed at byte {}", at + 1),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = GB18030.encode(s);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom_and_gbk_read_the_same() {
        let text = "id,name,年度\n1,甲公司,2023\n2,涼州區企業,2024\n";
        let mut bom = BOM.to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        assert_eq!(decode(&bom).unwrap(), text);
        assert_eq!(decode(&gbk(text)).unwrap(), text);
        for bytes in [text.as_bytes().to_vec(), bom, gbk(text)] {
            let mut r = Utf8Reader::new(&bytes[..]).unwrap().unwrap();
            let mut s = String::new();
            r.read_to_string(&mut s).unwrap();
            assert_eq!(s, text);
        }
    }

    #[test]
    fn a_long_gbk_stream_decodes_across_buffer_edges() {
        // Odd-length lines so that two-byte characters straddle every 64 KiB boundary somewhere.
        let text: String = (0..20_000).map(|i| format!("{i},武威市第{i}號企業,{}\n", 2022 + i % 4)).collect();
        let bytes = gbk(&text);
        assert!(bytes.len() > 3 * SNIFF);
        let mut r = Utf8Reader::new(&bytes[..]).unwrap().unwrap();
        assert_eq!(r.encoding(), Encoding::Gb18030);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, text);
    }

    #[test]
    fn bytes_in_neither_encoding_are_refused_with_their_place() {
        // 0xFF is never a lead byte in GB18030 and never valid in UTF-8.
        let bytes = b"id,name\n1,\xff\xfe\n";
        let e = decode(bytes).unwrap_err();
        let en = e.to_string();
        assert!(en.contains("line 2, byte 11"), "{en}");
        assert!(en.contains("neither UTF-8 nor GB18030"), "{en}");
        assert!(e.render(qiangke_i18n::Lang::Zh).contains("第 2 行,第 11 个字节"), "{}", e.render(qiangke_i18n::Lang::Zh));
        assert_eq!(Utf8Reader::new(&bytes[..]).unwrap().err().unwrap(), e);
    }
}

//! Reads bounded while reading: a whole file or stream, or one line, is never read past a byte
//! limit, so a 2 GiB sparse file, `/dev/zero`, a 3 GB JSONL line or a gzip bomb costs at most the
//! limit in memory and ends in an error for that item, not an aborted process. Used by `ingest`
//! (articles, JSONL lines), `write` (`--resume`'s scan) and `report` (its line reader).

use std::io::{BufRead, Read};

/// What one bounded read got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Got {
    /// The whole item, within the limit, in the buffer.
    All,
    /// More than the limit: the buffer holds no more than `limit` bytes (a line's rest has been
    /// read and dropped, so the next line starts cleanly).
    TooLong,
}

/// Read `reader` to its end into `buf`, but never more than `limit + 1` bytes.
pub fn read_to_end<R: Read>(reader: R, limit: usize, buf: &mut Vec<u8>) -> std::io::Result<Got> {
    buf.clear();
    reader.take(limit as u64 + 1).read_to_end(buf)?;
    if buf.len() > limit {
        buf.truncate(limit);
        return Ok(Got::TooLong);
    }
    Ok(Got::All)
}

/// Read one line (through its `\n`, kept) into `buf`, keeping at most `limit` bytes of it; a
/// longer line is read to its end and dropped. `Ok(None)` at end of input.
pub fn read_line<R: BufRead>(
    reader: &mut R,
    limit: usize,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Got>> {
    buf.clear();
    let mut over = false;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match memchr(chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !over {
            let room = limit.saturating_sub(buf.len());
            // `\n` itself does not count against the limit
            let content = if done { take - 1 } else { take };
            if content > room {
                over = true;
                buf.extend_from_slice(&chunk[..room]);
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    Ok(Some(if over { Got::TooLong } else { Got::All }))
}

fn memchr(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_over_the_limit_are_dropped_and_the_next_line_is_whole() {
        let input = format!("short\n{}\nafter\nlast", "x".repeat(100));
        let mut r = std::io::BufReader::with_capacity(8, input.as_bytes());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut r, 10, &mut buf).unwrap(), Some(Got::All));
        assert_eq!(buf, b"short\n");
        assert_eq!(read_line(&mut r, 10, &mut buf).unwrap(), Some(Got::TooLong));
        assert!(buf.len() <= 10);
        assert_eq!(read_line(&mut r, 10, &mut buf).unwrap(), Some(Got::All));
        assert_eq!(buf, b"after\n");
        assert_eq!(read_line(&mut r, 10, &mut buf).unwrap(), Some(Got::All));
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut r, 10, &mut buf).unwrap(), None);
        let mut r = std::io::BufReader::new(&b"0123456789\n"[..]);
        assert_eq!(read_line(&mut r, 10, &mut buf).unwrap(), Some(Got::All), "exactly the limit");
    }

    #[test]
    fn an_endless_stream_stops_at_the_limit() {
        let mut buf = Vec::new();
        assert_eq!(read_to_end(std::io::repeat(0), 1000, &mut buf).unwrap(), Got::TooLong);
        assert_eq!(buf.len(), 1000);
        assert_eq!(read_to_end(&b"abc"[..], 3, &mut buf).unwrap(), Got::All);
        assert_eq!(buf, b"abc");
    }
}

//! What the unit tests share.

/// A xorshift generator from `seed` (not zero): `rand(n)` is in `0..n`,
/// the same sequence on every run.
pub(crate) fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
    let mut x = seed;
    move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    }
}

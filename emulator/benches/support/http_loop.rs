//! The benchmarks' HTTP/1.1 client: keep-alive connections sending one request over and
//! over, reading each response fully. Hand-written so the figures measure the server, not
//! an SDK's client stack.

use std::net::SocketAddr;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Concurrent keep-alive connections (the machine has two cores, shared).
pub const CONNECTIONS: usize = 4;

/// Send `count` requests on one connection, reading each response fully.
pub async fn drive(addr: SocketAddr, request: Vec<u8>, count: usize) -> usize {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    for _ in 0..count {
        stream.write_all(&request).await.expect("write");
        buf.clear();
        // Read the head, then exactly content-length bytes of body.
        let (head_end, body_len) = loop {
            let n = stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "server closed the connection");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&buf[..at]).expect("ascii head");
                assert!(head.starts_with("HTTP/1.1 200"), "{head}");
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .expect("content-length");
                break (at + 4, len);
            }
        };
        while buf.len() < head_end + body_len {
            let n = stream.read(&mut chunk).await.expect("read body");
            assert!(n > 0, "server closed the connection");
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    count
}

pub async fn measure(name: &str, addr: SocketAddr, request: Vec<u8>, per_connection: usize) {
    // Warm up connections and allocator.
    drive(addr, request.clone(), 50).await;
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| tokio::spawn(drive(addr, request.clone(), per_connection)))
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("client task");
    }
    let elapsed = start.elapsed();
    let rps = total as f64 / elapsed.as_secs_f64();
    let latency = elapsed.as_secs_f64() * CONNECTIONS as f64 / total as f64;
    println!(
        "api/{name:<11} {total:>7} requests over {CONNECTIONS} connections in {:>6.2?}: {rps:>9.0} req/s, \
         {:>6.1} us mean latency",
        elapsed,
        latency * 1e6,
    );
}

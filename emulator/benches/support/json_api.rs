//! A keep-alive awsJson1_1 connection to the daemon's service API: one request at a time,
//! each response read fully. Hand-written (like `http_loop.rs`) so the figures measure the
//! daemon, not an SDK's client stack.

// Each bench includes this file as its own module and uses a part of it.
#![allow(dead_code)]

use std::borrow::Borrow;
use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct JsonApi {
    addr: SocketAddr,
    stream: TcpStream,
    buf: Vec<u8>,
}

impl JsonApi {
    pub async fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.expect("connect to the API");
        stream.set_nodelay(true).expect("nodelay");
        Self {
            addr,
            stream,
            buf: Vec::with_capacity(8192),
        }
    }

    /// The bytes of a `GameLift.<operation>` request carrying `body`.
    pub fn request(&self, operation: &str, body: &Value) -> Vec<u8> {
        self.json_request(operation, body.to_string().as_bytes())
    }

    /// The bytes of an awsJson1_1 `GameLift.<operation>` request carrying `body` as it is.
    pub fn json_request(&self, operation: &str, body: &[u8]) -> Vec<u8> {
        let mut req = format!(
            "POST / HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-amz-json-1.1\r\n\
             x-amz-target: GameLift.{operation}\r\ncontent-length: {}\r\n\r\n",
            self.addr,
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        req
    }

    /// The bytes of an rpcv2Cbor `<operation>` request carrying the CBOR `body`.
    pub fn cbor_request(&self, operation: &str, body: &[u8]) -> Vec<u8> {
        let mut req = format!(
            "POST /service/GameLift/operation/{operation} HTTP/1.1\r\nhost: {}\r\n\
             content-type: application/cbor\r\naccept: application/cbor\r\n\
             smithy-protocol: rpc-v2-cbor\r\ncontent-length: {}\r\n\r\n",
            self.addr,
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        req
    }

    /// Writes `request` and reads its response, whatever its status: the status code and the
    /// body.
    pub async fn send_raw(&mut self, request: &[u8]) -> (u16, Vec<u8>) {
        self.stream.write_all(request).await.expect("write");
        self.buf.clear();
        let mut chunk = [0u8; 16384];
        let (head_end, body_len) = loop {
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "the API closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
            if let Some(at) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..at]).expect("ascii head");
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                break (at + 4, len);
            }
        };
        while self.buf.len() < head_end + body_len {
            let n = self.stream.read(&mut chunk).await.expect("read body");
            assert!(n > 0, "the API closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
        }
        let status = std::str::from_utf8(&self.buf[9..12])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, self.buf[head_end..head_end + body_len].to_vec())
    }

    /// Writes `request` and reads its response; panics unless it is a 200.
    pub async fn send(&mut self, request: &[u8]) -> Value {
        let (status, body) = self.send_raw(request).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    }

    /// Builds and sends one call; panics, naming the operation, unless it answers 200.
    pub async fn call(&mut self, operation: &str, body: impl Borrow<Value>) -> Value {
        let req = self.request(operation, body.borrow());
        let (status, body) = self.send_raw(&req).await;
        assert_eq!(
            status,
            200,
            "{operation}: {}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    }
}

#!/usr/bin/env python3
"""A mock of Databento's live subscription gateway, for tests.

Built from the public parts of the PyPI `databento` package (its gateway message classes and its
CRAM challenge-response function) and `databento_dbn` (records and metadata, DBN v3). It serves the
records of real DBN MBO files as a live session would: greeting, challenge, authentication reply,
subscription lines, `start_session`, then the metadata, a subscription acknowledgement, symbol
mapping records, the records (from the subscription's `start`, filtered on `ts_event` as the real
gateway does), a replay-completed message when `start` was given, and heartbeats while idle.

Scenarios for the tests apply to the first session only (a reconnection is served normally):
  --disconnect-after N   drop the connection after N records
  --silence-after N      after N records send nothing at all (no heartbeats), keep the socket open
  --error-after N        send an error record (--error-code, --error-text) after N records, then
                         close if the code is fatal
  --slow-reader-after N  send a slow-reader warning after N records
A session serves the records with ts_event before --until (UTC ns; default: all), then heartbeats.

Prints `PORT <n>` on stdout once listening. Every session is logged to --log as JSON lines
(the authentication line is logged without its response).
"""
import argparse
import asyncio
import json
import secrets
import sys
import time

import databento_dbn as dbn
import zstandard

import dbnfiles
from databento.common.cram import get_challenge_response
from databento.live.gateway import AuthenticationRequest
from databento.live.gateway import AuthenticationResponse
from databento.live.gateway import ChallengeRequest
from databento.live.gateway import GatewayDecoder
from databento.live.gateway import Greeting
from databento.live.gateway import SessionStart
from databento.live.gateway import SubscriptionRequest

FATAL = {1, 2, 3, 5, 6}


def load(paths):
    """Records of the files, upgraded to DBN v3, in file order; and symbol mappings per instrument."""
    records, mappings, publisher = [], {}, {}
    for path in paths:
        meta, items = dbnfiles.read(path)
        for raw_symbol, intervals in meta.mappings.items():
            for iv in intervals:
                if iv["symbol"]:
                    mappings[int(iv["symbol"])] = raw_symbol
        for r in items:
            records.append((r.ts_event, bytes(r)))
            publisher.setdefault(r.instrument_id, r.publisher_id)
    return records, mappings, publisher


class Session:
    def __init__(self, server, number, reader, writer):
        self.server, self.number, self.reader, self.writer = server, number, reader, writer
        self.args = server.args
        self.compressor = None
        self.sent = 0

    def log(self, **event):
        self.server.log(session=self.number, **event)

    async def send(self, data):
        if self.compressor is not None:
            data = self.compressor.compress(data) + self.compressor.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
        self.writer.write(data)
        await self.writer.drain()

    async def read_message(self, decoder):
        while True:
            messages = decoder.decode()
            if messages:
                return messages[0]
            line = await self.reader.readline()
            if not line:
                raise ConnectionError("client closed during the text phase")
            decoder.write(line)

    async def run(self):
        a = self.args
        first = self.number == 1
        self.writer.write(bytes(Greeting(lsg_version="mock-0.1")))
        challenge = secrets.token_hex(8)
        self.writer.write(bytes(ChallengeRequest(cram=challenge)))
        await self.writer.drain()
        decoder = GatewayDecoder()
        auth = await self.read_message(decoder)
        if not isinstance(auth, AuthenticationRequest):
            raise ValueError(f"expected an authentication request, got {auth}")
        ok = auth.auth == get_challenge_response(challenge, a.key)
        fields = {k: v for k, v in vars(auth).items() if k != "auth"}
        self.log(event="auth", ok=ok, bucket=auth.auth.rpartition("-")[2], **{k: str(v) for k, v in fields.items()})
        if not ok:
            self.writer.write(bytes(AuthenticationResponse(success="0", error="Authentication failed.")))
            await self.writer.drain()
            self.writer.close()
            return
        self.writer.write(bytes(AuthenticationResponse(success="1", session_id=str(self.number))))
        await self.writer.drain()
        subscriptions = []
        while True:
            message = await self.read_message(decoder)
            if isinstance(message, SessionStart):
                break
            if isinstance(message, SubscriptionRequest):
                subscriptions.append(message)
                self.log(event="subscribe", schema=str(message.schema), stype_in=str(message.stype_in),
                         symbols=message.symbols, start=message.start, snapshot=str(message.snapshot),
                         is_last=str(message.is_last))
        if str(auth.compression).lower() == "zstd":
            self.compressor = zstandard.ZstdCompressor(level=3).compressobj()
        heartbeat = int(auth.heartbeat_interval_s or 30)
        sub = subscriptions[0]
        start = int(sub.start) if sub.start not in (None, "") else None
        symbols = [s for x in subscriptions for s in str(x.symbols).split(",")]
        now = time.time_ns()
        meta = dbn.Metadata(dataset=str(auth.dataset), start=start if start is not None else now,
                            stype_in=dbn.SType(str(sub.stype_in)), stype_out=dbn.SType.INSTRUMENT_ID,
                            schema=dbn.Schema.MBO, symbols=symbols, version=3)
        out = bytearray(meta.encode())
        out += bytes(dbn.SystemMsg(now, f"Subscription request 0 for mbo data succeeded",
                                   code=dbn.SystemCode.SUBSCRIPTION_ACK))
        if str(sub.snapshot) == "1":
            out += bytes(dbn.ErrorMsg(now, "snapshots are not served by this mock", code=dbn.ErrorCode.INVALID_SUBSCRIPTION))
            await self.send(bytes(out))
            self.writer.close()
            return
        for iid in sorted(self.server.mappings):
            out += bytes(dbn.SymbolMappingMsg(self.server.publisher.get(iid, 1), iid, now,
                                              dbn.SType(str(sub.stype_in)), symbols[0], dbn.SType.RAW_SYMBOL,
                                              self.server.mappings[iid], 0, 2**64 - 1))
        await self.send(bytes(out))
        out = bytearray()
        records = [b for ts, b in self.server.records if (start is None or ts >= start) and (a.until is None or ts < a.until)]
        self.log(event="serving", records=len(records), start=start)
        pace = a.pace
        t0 = time.monotonic()
        for i, b in enumerate(records):
            if first and a.disconnect_after is not None and i == a.disconnect_after:
                await self.send(bytes(out))
                self.log(event="disconnect", sent=self.sent)
                self.writer.transport.abort()
                return
            if first and a.silence_after is not None and i == a.silence_after:
                await self.send(bytes(out))
                self.log(event="silence", sent=self.sent)
                await self.reader.read()  # until the client gives up and closes
                return
            if first and a.error_after is not None and i == a.error_after:
                out += bytes(dbn.ErrorMsg(time.time_ns(), a.error_text, code=dbn.ErrorCode(a.error_code)))
                await self.send(bytes(out))
                out = bytearray()
                self.log(event="error", code=a.error_code, sent=self.sent)
                if a.error_code in FATAL:
                    self.writer.close()
                    return
            if first and a.slow_reader_after is not None and i == a.slow_reader_after:
                out += bytes(dbn.SystemMsg(time.time_ns(), "Warning: slow reading", code=dbn.SystemCode.SLOW_READER_WARNING))
            out += b
            self.sent += 1
            if len(out) >= a.chunk:
                await self.send(bytes(out))
                out = bytearray()
            if pace and self.sent % 16 == 0:
                lag = t0 + self.sent / pace - time.monotonic()
                if lag > 0:
                    await self.send(bytes(out))
                    out = bytearray()
                    await asyncio.sleep(lag)
        if start is not None:
            out += bytes(dbn.SystemMsg(time.time_ns(), "Finished mbo replay", code=dbn.SystemCode.REPLAY_COMPLETED))
        await self.send(bytes(out))
        self.log(event="served", sent=self.sent)
        while True:  # live: nothing more to send but heartbeats
            try:
                data = await asyncio.wait_for(self.reader.read(4096), heartbeat)
                if not data:
                    return
            except asyncio.TimeoutError:
                await self.send(bytes(dbn.SystemMsg(time.time_ns(), "Heartbeat", code=dbn.SystemCode.HEARTBEAT)))


class Server:
    def __init__(self, args):
        self.args = args
        self.records, self.mappings, self.publisher = load(args.file)
        self.sessions = 0
        self.logfile = open(args.log, "a") if args.log else None

    def log(self, **event):
        if self.logfile:
            self.logfile.write(json.dumps(event) + "\n")
            self.logfile.flush()

    async def handle(self, reader, writer):
        self.sessions += 1
        session = Session(self, self.sessions, reader, writer)
        self.log(session=self.sessions, event="connect")
        try:
            await session.run()
        except (ConnectionError, asyncio.IncompleteReadError) as e:
            self.log(session=session.number, event="closed", why=str(e), sent=session.sent)
        finally:
            self.log(session=session.number, event="end", sent=session.sent)
            try:
                writer.close()
            except Exception:
                pass


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--file", action="append", required=True, help="a DBN MBO file to serve (repeatable, in order)")
    p.add_argument("--key", required=True, help="the API key the mock accepts")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--pace", type=float, default=0, help="records per second (0: as fast as the socket takes them)")
    p.add_argument("--chunk", type=int, default=1 << 16, help="bytes per write")
    p.add_argument("--disconnect-after", type=int)
    p.add_argument("--silence-after", type=int)
    p.add_argument("--error-after", type=int)
    p.add_argument("--error-code", type=int, default=6)
    p.add_argument("--error-text", default="Internal error")
    p.add_argument("--slow-reader-after", type=int)
    p.add_argument("--until", type=int, help="serve only records with ts_event before this (UTC ns)")
    args = p.parse_args()
    server = Server(args)
    srv = await asyncio.start_server(server.handle, "127.0.0.1", args.port)
    print(f"PORT {srv.sockets[0].getsockname()[1]} RECORDS {len(server.records)}", flush=True)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)

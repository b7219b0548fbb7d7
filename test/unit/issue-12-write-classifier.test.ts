// Issue 12 item 4: which failed writes may have been applied. The classifier goes by the error's
// name, so that the transport's own errors (AnswerError for a checked, wrong answer; a deadline's
// abort) fit as they are.

import { describe, expect, it } from 'vitest';
import { writeFailureOf } from '../../src/flavors/write.js';

const named = (name: string, message = 'x', extra: object = {}): Error =>
  Object.assign(new Error(message), { name }, extra);
const answered = (status: number): Error => named('ResponseError', 'answered', { meta: { statusCode: status } });

describe('issue 12 item 4: writeFailureOf', () => {
  it('issue 12 item 4: a checked wrong answer, a 4xx/5xx, a refused connection, DNS and TLS are failed', () => {
    for (const err of [
      named('AnswerError', 'PUT /_security/role/r answered 302 Found (text/html)'),
      named('WriteError'),
      answered(400),
      answered(401),
      answered(500),
      answered(502),
      answered(503),
      named('ConnectionError', 'connect ECONNREFUSED 127.0.0.1:9200'),
      named('ConnectionError', 'getaddrinfo ENOTFOUND west.example.com'),
      named('ConnectionError', 'self-signed certificate in certificate chain'),
      named('ConnectionError', "Hostname/IP does not match certificate's altnames"),
      named('NoLivingConnectionsError'),
      new TypeError('a bug before sending'),
    ]) {
      expect([err.name, err.message, writeFailureOf(err)]).toEqual([err.name, err.message, 'failed']);
    }
  });

  it('issue 12 item 4: a reset after sending, a timeout, an abort, a deadline, an unreadable body and a 504 are unknown', () => {
    for (const err of [
      named('ConnectionError', 'socket hang up - Local: 127.0.0.1:5000, Remote: 127.0.0.1:9200'),
      named('ConnectionError', 'Connection closed while reading the body'),
      named('ConnectionError', 'Response aborted while reading the body', { meta: { statusCode: 200 } }),
      named('TimeoutError', 'Request timed out'),
      named('RequestAbortedError', 'Request aborted'),
      named('AbortError', 'This operation was aborted'),
      named('DeadlineError', 'deadline of 120 s (connection.deadline) passed'),
      named('RequestTimeoutError'),
      named('DeserializationError', 'Unexpected end of JSON input'),
      answered(504),
    ]) {
      expect([err.name, err.message, writeFailureOf(err)]).toEqual([err.name, err.message, 'unknown']);
    }
  });
});

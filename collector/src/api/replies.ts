/**
 * The API's error replies, one shape for every route: 400 names the
 * parameter, 502 gives the database's reason (--query-url); never a stack trace.
 */
import type { FastifyReply } from 'fastify';
import type { QueryError } from '../query/client.js';
import type { BadParameter } from './params.js';

export function badRequest(reply: FastifyReply, err: BadParameter): FastifyReply {
  return reply.code(400).send({
    statusCode: 400,
    error: 'Bad Request',
    parameter: err.parameter,
    message: err.message,
  });
}

/** The database behind --query-url failed: 502, with its reason. */
export function badGateway(reply: FastifyReply, err: QueryError): FastifyReply {
  return reply.code(502).send({ statusCode: 502, error: 'Bad Gateway', message: err.message });
}

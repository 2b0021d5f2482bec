/**
 * Who may use which route: roles (viewer, operator, admin; public routes need none), and the credentials that
 * carry them — signed tokens (HMAC-SHA256), bearer JWTs and static API keys — granting streams (or all streams of
 * an app), until an expiry, optionally only within a time range. The HTTP service checks every route's role here
 * before its handler runs.
 */
package io.kvr.http.access;

/** A small HTTP server (JDK {@code HttpServer} on virtual threads) with a router and JSON errors in one place. */
package io.kvr.runtime.http;

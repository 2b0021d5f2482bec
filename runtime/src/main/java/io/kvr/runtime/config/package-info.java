/** Typed configuration: defaults, then a properties file, then environment variables, then command-line overrides. */
package io.kvr.runtime.config;

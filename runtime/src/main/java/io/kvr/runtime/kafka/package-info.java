/** Topic specifications, Avro serdes and topic provisioning shared by every kvr app. */
package io.kvr.runtime.kafka;

/** An embedded Kafka broker and S3 server with kvr's topics, and readers of what the apps wrote to them. */
package io.kvr.testsupport.rig;

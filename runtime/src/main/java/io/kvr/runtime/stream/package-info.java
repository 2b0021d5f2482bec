/** Stream names: the {@code app/stream} identity shared by topics, object keys and URLs. */
package io.kvr.runtime.stream;

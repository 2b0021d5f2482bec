/** Starting and stopping the parts of an app in order. */
package io.kvr.runtime.lifecycle;

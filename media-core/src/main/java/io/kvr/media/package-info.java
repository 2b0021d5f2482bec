/** kvr media core: pure-Java codec configuration parsing and ISO BMFF / CMAF writing, with one sealed exception family. */
package io.kvr.media;

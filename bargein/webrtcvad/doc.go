// Package webrtcvad wraps the WebRTC voice activity detector from the system
// library libwebrtc_audio_processing (Debian: libwebrtc-audio-processing-dev)
// so that the bargein VAD can be measured against it side by side. It needs
// cgo; without cgo the package is empty.
package webrtcvad

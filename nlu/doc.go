// Package nlu classifies transcribed utterances into intents and extracts the entities a call flow needs.
//
// A Model is trained from a few labelled examples per intent (see Dataset) and is a small, versioned JSON
// file. Prediction is pure Go, needs no network and no external model files, and is built for what a speech
// recogniser produces: lower-case text without punctuation, misrecognised word endings and filler words, in
// English and Russian.
//
// The classifier combines two scorers over the same TF-IDF features (word uni- and bigrams of stemmed tokens
// plus character n-grams inside word boundaries):
//
//   - a one-vs-rest linear SVM (L2-regularised squared hinge, dual coordinate descent), strong once an intent
//     has tens of examples;
//   - a cosine nearest-centroid scorer, strong when an intent has only a handful.
//
// Their blend is turned into probabilities by a softmax whose temperature is fitted on cross-validation folds
// of the training data, so Confidence means what it says and a threshold on it separates out-of-scope input.
package nlu

"""Run the real program without credentials under the SDK's mock engine and write the plan document."""

"""Read: where the data is (local or s3://), how a file is read in bounded chunks, and what its columns hold."""

import CLZMA

/// xz decompression through the system liblzma (the regipy hive corpus is stored xz-compressed).
public enum XZ {
    public struct Failure: Error, CustomStringConvertible {
        public var code: UInt32
        public var description: String { "liblzma error \(code)" }
    }

    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = lzma_stream()
        var ret = lzma_stream_decoder(&stream, UInt64.max, 0)
        guard ret == LZMA_OK else { throw Failure(code: ret.rawValue) }
        defer { lzma_end(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = inBuf.count
            repeat {
                try chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = outBuf.count
                    ret = lzma_code(&stream, LZMA_FINISH)
                    guard ret == LZMA_OK || ret == LZMA_STREAM_END else { throw Failure(code: ret.rawValue) }
                }
                output.append(contentsOf: chunk[0..<(chunk.count - stream.avail_out)])
            } while ret != LZMA_STREAM_END
        }
        return output
    }
}

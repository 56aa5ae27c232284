// Fuzz target for the trusts' judgement of a chain AMT sent: any chain gets a verdict (never an
// exception), a refusal names its check, and the leaf's SHA-256 is filled whenever there is a
// leaf. Input: a certificate count byte, then each certificate as a 2-byte big-endian length
// and its bytes (a short input ends the chain).
#include "amtcfg/http/amt_trust.hpp"

#include <cstdint>
#include <cstdlib>

namespace {

amtcfg::http::CertificateChain split(const std::uint8_t* data, std::size_t size) {
    amtcfg::http::CertificateChain chain;
    if (size == 0) {
        return chain;
    }
    std::size_t count = data[0] % 8;
    std::size_t at = 1;
    while (chain.size() < count && at + 2 <= size) {
        std::size_t length = static_cast<std::size_t>(data[at]) << 8 | data[at + 1];
        at += 2;
        length = length < size - at ? length : size - at;
        chain.emplace_back(data + at, data + at + length);
        at += length;
    }
    return chain;
}

void check(const amtcfg::http::AmtTrust& trust, const amtcfg::http::CertificateChain& chain) {
    amtcfg::http::TlsVerdict verdict = trust.judge(chain);
    if (verdict.check.empty() || (!chain.empty() && verdict.leaf_sha256.size() != 32)) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace amtcfg::http;
    static const auto root = intel_ondie_root();
    static const auto ondie =
        ondie_trust(amtcfg::Bytes(root.begin(), root.end()), "root",
                    AmtCertHash{CertHashAlgorithm::sha256, amtcfg::Bytes(32, 0)});
    static const auto anchors = anchor_trust({amtcfg::Bytes(root.begin(), root.end())}, "anchors");
    CertificateChain chain = split(data, size);
    check(*ondie, chain);
    check(*anchors, chain);
    return 0;
}

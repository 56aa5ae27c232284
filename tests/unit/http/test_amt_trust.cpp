// Tests of the trust checks of AMT's chain: the simulator's chains and in-process variants.
#include "amtcfg/http/amt_trust.hpp"
#include "amtcfg/util/error.hpp"

#include "fakes/temp_dir.hpp"
#include "unit/http/test_certificates.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace amtcfg;
using namespace amtcfg::http;
using namespace amtcfg::testing;

namespace {

Bytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Bytes sim_root() {
    return read_file(sim_tls().path("ondie-root.der"));
}

CertificateChain sim_chain(const std::string& name) {
    return read_pem_chain(sim_tls().path(name));
}

AmtCertHash hash_of(const Bytes& leaf, CertHashAlgorithm algorithm) {
    return {algorithm,
            sha(leaf, algorithm == CertHashAlgorithm::sha384 ? EVP_sha384() : EVP_sha256())};
}

TlsVerdict judge_shape(const OnDieShape& shape) {
    OnDieChain built = build_ondie_chain(shape);
    return ondie_trust(built.root, "the test root",
                       hash_of(built.chain.front(), CertHashAlgorithm::sha256))
        ->judge(built.chain);
}

// How the verdicts print a SHA-256: "be:b4:...".
std::string http_test_fingerprint(const Bytes& der) {
    std::string hex = to_hex(sha(der, EVP_sha256()));
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        out += (i == 0 ? "" : ":") + hex.substr(i, 2);
    }
    return out;
}

bool refused_with(const TlsVerdict& verdict, const std::string& check) {
    INFO(verdict.check);
    return !verdict.accepted && verdict.check == check;
}

} // namespace

TEST_CASE("Intel's On-Die CA root is compiled in, byte for byte", "[unit]") {
    ByteView root = intel_ondie_root();
    Bytes der(root.begin(), root.end());
    CHECK(der == read_file(AMTCFG_SOURCE_DIR "/data/intel-ondie-ca-root.cer"));
    CHECK(to_hex(sha(der, EVP_sha256())) ==
          "beb40bb7507b33967226aa80e084749fbb6593893c642e818d682e9a8d07fc24");
    const unsigned char* at = der.data();
    Certificate certificate(d2i_X509(nullptr, &at, static_cast<long>(der.size())));
    REQUIRE(certificate);
    char text[256];
    X509_NAME_oneline(X509_get_subject_name(certificate.get()), text, sizeof text);
    CHECK(std::string(text) == "/C=US/ST=CA/L=Santa Clara/O=Intel Corporation/OU=OnDie CA Root "
                               "Cert Signing/CN=www.intel.com");
}

TEST_CASE("the simulator's six-certificate On-Die chain verifies to its root", "[unit]") {
    CertificateChain chain = sim_chain("amt-chain.pem");
    REQUIRE(chain.size() == 6);
    SECTION("without AMTCertHash") {
        TlsVerdict verdict = ondie_trust(sim_root(), "the test On-Die root")->judge(chain);
        CHECK(verdict.accepted);
        CHECK(verdict.check == "chain verified to the test On-Die root; leaf CN \"AMT RCFG\"; "
                               "no AMTCertHash to compare the leaf with");
        REQUIRE(verdict.subjects.size() == 6);
        CHECK(verdict.subjects[0] == "CN=AMT RCFG");
        CHECK(verdict.subjects[3] == "CN=amtcfg Test CSME MTL ROM CA,OU=CSME MTL,O=amtcfg tests");
        CHECK(verdict.leaf_sha256 == sha(chain[0], EVP_sha256()));
    }
    SECTION("with AMTCertHash as SHA-256 or SHA-384") {
        auto algorithm = GENERATE(CertHashAlgorithm::sha256, CertHashAlgorithm::sha384);
        TlsVerdict verdict =
            ondie_trust(sim_root(), "the root", hash_of(chain[0], algorithm))->judge(chain);
        CHECK(verdict.accepted);
        CHECK_THAT(verdict.check, Catch::EndsWith(algorithm == CertHashAlgorithm::sha384
                                                      ? "the leaf's SHA-384 equals AMTCertHash"
                                                      : "the leaf's SHA-256 equals AMTCertHash"));
    }
    SECTION("a leaf whose hash is not AMTCertHash is refused") {
        AmtCertHash other = hash_of(chain[1], CertHashAlgorithm::sha256);
        TlsVerdict verdict = ondie_trust(sim_root(), "the root", other)->judge(chain);
        CHECK(refused_with(verdict, "the leaf's SHA-256 is " + http_test_fingerprint(chain[0]) +
                                        ", not the AMTCertHash " + http_test_fingerprint(chain[1]) +
                                        " that AMT reported over MEI (StartConfigurationHBased)"));
        CHECK(verdict.leaf_sha256 == sha(chain[0], EVP_sha256()));
    }
    SECTION("a SHA-384 AMTCertHash is compared as SHA-384") {
        AmtCertHash wrong{CertHashAlgorithm::sha384, sha(chain[0], EVP_sha256())};
        TlsVerdict verdict = ondie_trust(sim_root(), "the root", wrong)->judge(chain);
        CHECK_FALSE(verdict.accepted);
        CHECK_THAT(verdict.check, Catch::StartsWith("the leaf's SHA-384 is "));
    }
    SECTION("Intel's real root refuses the test chain") {
        ByteView intel = intel_ondie_root();
        TlsVerdict verdict =
            ondie_trust(Bytes(intel.begin(), intel.end()), "Intel's On-Die CA root")->judge(chain);
        CHECK_FALSE(verdict.accepted);
        CHECK_THAT(verdict.check,
                   Catch::StartsWith("the chain does not verify to Intel's On-Die CA root: "
                                     "unable to get local issuer certificate (certificate 5, "));
    }
}

TEST_CASE("an impostor's chain of the right shape does not verify", "[unit]") {
    TlsVerdict verdict =
        ondie_trust(sim_root(), "the test On-Die root")->judge(sim_chain("bad-chain.pem"));
    CHECK_FALSE(verdict.accepted);
    CHECK_THAT(verdict.check, Catch::StartsWith("the chain does not verify to the test On-Die "
                                                "root: unable to get local issuer certificate"));
    CHECK(verdict.subjects.size() == 6);
}

TEST_CASE("each On-Die check refuses with its own words", "[unit]") {
    OnDieShape shape;
    SECTION("a four-certificate chain is AMT's too") {
        shape.length = 4;
        CHECK(judge_shape(shape).accepted);
    }
    SECTION("a five-certificate chain is not") {
        shape.length = 5;
        CHECK(refused_with(judge_shape(shape),
                           "the chain has 5 certificates; AMT's On-Die CA chain has 4 or 6"));
    }
    SECTION("the other leaf name is accepted") {
        shape.leaf_cn = "iAMT CSME IDevID RCFG";
        CHECK(judge_shape(shape).accepted);
    }
    SECTION("a wrong leaf name") {
        shape.leaf_cn = "AMT RCFG impostor";
        CHECK(refused_with(judge_shape(shape), "leaf CN is \"AMT RCFG impostor\", not \"AMT "
                                               "RCFG\" or \"iAMT CSME IDevID RCFG\""));
    }
    SECTION("a level-3 certificate that is not a ROM CA") {
        shape.rom_cn = "Test CSME MTL Kernel CA";
        CHECK(refused_with(judge_shape(shape),
                           "certificate 3 (AMT's ROM CA) has CN \"Test CSME MTL Kernel CA\", "
                           "with neither \"ROM CA\" nor \"ROM DE\" in it"));
    }
    SECTION("ROM DE is a ROM CA too") {
        shape.rom_cn = "Test CSME MTL ROM DE";
        CHECK(judge_shape(shape).accepted);
    }
    SECTION("a ROM CA issued under another OU") {
        shape.rom_issuer_ou = "Some Other CA";
        CHECK(refused_with(judge_shape(shape),
                           "certificate 3 (AMT's ROM CA) has issuer OU \"Some Other CA\"; it "
                           "must start with \"ODCA 2 CSME P\", \"On Die CSME P\", \"ODCA 2 "
                           "CSME\" or \"On Die CSME\""));
    }
    SECTION("an issuer OU of the On Die CSME family, in a four-certificate chain") {
        shape.length = 4;
        shape.rom_issuer_ou = "On Die CSME P-ADL";
        CHECK(judge_shape(shape).accepted);
    }
    SECTION("an expired leaf") {
        shape.leaf_expired = true;
        CHECK(refused_with(judge_shape(shape),
                           "the chain does not verify to the test root: certificate has expired "
                           "(certificate 0, CN=AMT RCFG)"));
    }
}

TEST_CASE("a chain AMT could not have sent is refused before any check", "[unit]") {
    auto trust = ondie_trust(sim_root(), "the root");
    CHECK(refused_with(trust->judge({}), "AMT sent no certificate"));
    CertificateChain chain = sim_chain("amt-chain.pem");
    chain[2].resize(chain[2].size() / 2);
    TlsVerdict verdict = trust->judge(chain);
    CHECK(refused_with(verdict, "certificate 2 of the chain is not a valid X.509 certificate"));
    CHECK(verdict.leaf_sha256 == sha(chain[0], EVP_sha256()));
}

TEST_CASE("a single self-signed certificate needs a matching AMTCertHash", "[unit]") {
    CertificateChain post = sim_chain("post.pem");
    REQUIRE(post.size() == 1);
    CHECK(refused_with(ondie_trust(sim_root(), "the root")->judge(post),
                       "AMT sent a single certificate, not an On-Die CA chain, and there is no "
                       "AMTCertHash to check it against"));
    TlsVerdict accepted =
        ondie_trust(sim_root(), "the root", hash_of(post[0], CertHashAlgorithm::sha256))
            ->judge(post);
    CHECK(accepted.accepted);
    CHECK(accepted.check ==
          "a single self-signed certificate whose SHA-256 equals AMTCertHash (reported over MEI)");
    CHECK(accepted.subjects == std::vector<std::string>{"CN=AMT 19 (amtcfg tests)"});
    SECTION("the hash of another certificate") {
        TlsVerdict verdict =
            ondie_trust(sim_root(), "the root",
                        hash_of(sim_chain("amt-chain.pem")[0], CertHashAlgorithm::sha256))
                ->judge(post);
        CHECK_FALSE(verdict.accepted);
        CHECK_THAT(verdict.check, Catch::StartsWith("the leaf's SHA-256 is "));
    }
    SECTION("a lone leaf that some CA issued is not self-signed") {
        CertificateChain leaf{sim_chain("amt-chain.pem")[0]};
        CHECK(refused_with(
            ondie_trust(sim_root(), "the root", hash_of(leaf[0], CertHashAlgorithm::sha256))
                ->judge(leaf),
            "AMT sent a single certificate that is not self-signed, not an On-Die CA chain"));
    }
}

TEST_CASE("anchor trust verifies to the given CA, which need not be a root", "[unit]") {
    CertificateChain chain = sim_chain("amt-chain.pem");
    CHECK(anchor_trust({sim_root()}, "--amt-ca root.pem")->judge(chain).accepted);
    TlsVerdict verdict = anchor_trust({chain[1]}, "--amt-ca issuer.pem")->judge(chain);
    CHECK(verdict.accepted);
    CHECK(verdict.check == "chain verified to --amt-ca issuer.pem");
    TlsVerdict refused =
        anchor_trust({sim_root()}, "--amt-ca root.pem")->judge(sim_chain("bad-chain.pem"));
    CHECK_FALSE(refused.accepted);
    CHECK_THAT(refused.check,
               Catch::StartsWith("the chain does not verify to --amt-ca root.pem: "));
    CertificateChain post = sim_chain("post.pem");
    CHECK(anchor_trust({post[0]}, "the device's certificate")->judge(post).accepted);
    CHECK_FALSE(anchor_trust({sim_root()}, "root.pem")->judge(post).accepted);
    CHECK_THROWS_MATCHES(anchor_trust({}, "empty.pem"), Error,
                         Catch::Matchers::Predicate<Error>([](const Error& e) {
                             return e.category() == ErrorCategory::invalid_input;
                         }));
}

TEST_CASE("pinned trust compares the leaf's SHA-256 with the pin", "[unit]") {
    CertificateChain chain = sim_chain("amt-chain.pem");
    Bytes pin = sha(chain[0], EVP_sha256());
    CHECK(pinned_trust(pin, "the pin from configure")->judge(chain).accepted);
    TlsVerdict refused = pinned_trust(pin, "the pin from configure")->judge(sim_chain("post.pem"));
    CHECK_FALSE(refused.accepted);
    CHECK_THAT(refused.check,
               Catch::StartsWith("the leaf's SHA-256 is ") &&
                   Catch::EndsWith(", not the pinned " + http_test_fingerprint(chain[0]) +
                                   " (the pin from configure)"));
    CHECK_THROWS_AS(pinned_trust(Bytes(20, 1), "short"), Error);
}

TEST_CASE("insecure and first-use trust accept and say so", "[unit]") {
    CertificateChain chain = sim_chain("bad-chain.pem");
    TlsVerdict insecure = insecure_trust()->judge(chain);
    CHECK(insecure.accepted);
    CHECK(insecure.check == "not verified (--amt-insecure)");
    CHECK(waived(insecure));
    CHECK(insecure.leaf_sha256 == sha(chain[0], EVP_sha256()));
    // Over a real trust: its failure is accepted and named; its success stays verified.
    auto pinned = pinned_trust(sha(chain[0], EVP_sha256()), "the pin");
    TlsVerdict kept = insecure_trust(pinned)->judge(chain);
    CHECK(kept.accepted);
    CHECK_FALSE(waived(kept));
    TlsVerdict waiving = insecure_trust(pinned)->judge(sim_chain("amt-chain.pem"));
    CHECK(waiving.accepted);
    CHECK(waived(waiving));
    CHECK_THAT(waiving.check,
               Catch::StartsWith("not verified (--amt-insecure): the leaf's SHA-256"));
    TlsVerdict first = first_use_trust("the run that provisioned it")->judge(chain);
    CHECK(first.accepted);
    CHECK(first.check == "trusted on first use for the run that provisioned it; not verified");
    CHECK(first.leaf_sha256 == sha(chain[0], EVP_sha256()));
    CHECK(first.subjects.size() == 6);
}

TEST_CASE("certificate files are read as PEM or DER", "[unit]") {
    CHECK(load_certificates_file(sim_tls().path("amt-chain.pem")) == sim_chain("amt-chain.pem"));
    CHECK(load_certificates_file(sim_tls().path("ondie-root.der")) ==
          std::vector<Bytes>{sim_root()});
    TempDir dir;
    auto invalid = [](const std::string& path, const std::string& words) {
        try {
            load_certificates_file(path);
            FAIL("no error for " + path);
        } catch (const Error& error) {
            CHECK(error.category() == ErrorCategory::invalid_input);
            CHECK_THAT(error.what(), Catch::Contains(path) && Catch::Contains(words));
        }
    };
    invalid(dir.file("missing.pem"), "cannot read");
    invalid(sim_tls().path("amt-leaf.key"), "holds no certificate");
    std::ofstream(dir.file("garbage.der"), std::ios::binary) << "not a certificate";
    invalid(dir.file("garbage.der"), "holds no certificate");
    CHECK_THROWS_AS(ondie_trust(Bytes{1, 2, 3}, "--amt-ondie-root x"), Error);
}

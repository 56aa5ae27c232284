// interpret_helper: every exit status of certmonger's submit-helper interface, and malformed
// answers.
#include "helper_answer.hpp"
#include "support.hpp"

using namespace amtcfg;
using namespace amtcfg::ca::detail;
using Kind = HelperAnswer::Kind;

TEST_CASE("helper answers: issued, wait, rejected, unreachable", "[unit]") {
    test::TempDir dir;
    test::make_ca(dir);
    std::string pem = test::read_text(dir.file("ca.pem"));
    auto issued = interpret_helper(0, "noise before\n" + pem + pem);
    CHECK(issued.kind == Kind::issued);
    CHECK(issued.certificates.size() == 2);
    CHECK(issued.certificates[0] == test::der_of(test::read_pem(dir.file("ca.pem")).get()));

    auto wait = interpret_helper(1, "cookie-17\n");
    CHECK(wait.kind == Kind::wait);
    CHECK(wait.cookie == "cookie-17");
    CHECK(!wait.delay);

    auto delayed = interpret_helper(5, "30\nstate=abc\n");
    CHECK(delayed.kind == Kind::wait);
    CHECK(delayed.delay == std::chrono::seconds(30));
    CHECK(delayed.cookie == "state=abc");
    CHECK(interpret_helper(5, "999999999\nc").delay == std::chrono::hours(24));

    auto rejected = interpret_helper(2, "policy forbids \x1b[31mthis\n");
    CHECK(rejected.kind == Kind::rejected);
    CHECK(rejected.message == "policy forbids \\x1b[31mthis");
    CHECK(interpret_helper(3, "connection refused").kind == Kind::unreachable);
}

TEST_CASE("helper answers: malformed or other statuses are failures", "[unit]") {
    auto no_certificate = interpret_helper(0, "done\n");
    CHECK(no_certificate.kind == Kind::failed);
    CHECK(no_certificate.message ==
          "the helper reported success (exit 0) but printed no PEM certificate");
    for (const char* bad : {"", "soon\ncookie", "-1\ncookie", "12x\ncookie"}) {
        CAPTURE(bad);
        auto answer = interpret_helper(5, bad);
        CHECK(answer.kind == Kind::failed);
        CHECK_THAT(answer.message, Catch::Contains("is not a number of seconds"));
    }
    CHECK(interpret_helper(4, "no URL").message ==
          "the helper is missing configuration (exit 4): no URL");
    CHECK_THAT(interpret_helper(16, "Error reading request, expected PKCS7 data.").message,
               Catch::StartsWith("the helper wants SCEP messages signed with the request's "
                                 "private key (exit 16)"));
    CHECK(interpret_helper(6, "").message == "the helper failed with exit status 6: ");
    CHECK(interpret_helper(-1, "").message == "the helper was ended by a signal");
    auto long_text = interpret_helper(2, std::string(5000, 'x'));
    CHECK(long_text.message.size() == 2003);
}

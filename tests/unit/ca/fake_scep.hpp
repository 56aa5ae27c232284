// A scripted SCEP server for the paths scepserver never takes (PENDING, then CertPoll): it
// answers GetCACaps and GetCACert, and each PKIOperation with the next CertRep of its script,
// signed by the test CA and (for SUCCESS) enveloped to the request's signer certificate. It
// records each request's messageType. Serves loopback HTTP from a thread, one connection at a
// time (Connection: close).
#pragma once

#include "support.hpp"

#include "fakes/loopback.hpp"

#include <openssl/pkcs7.h>
#include <poll.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace amtcfg::test {

class FakeScep {
public:
    enum class Answer { pending, success };

    // `caps` is what GetCACaps answers (RFC 8894 section 3.5.2: one capability a line).
    FakeScep(X509* ca, EVP_PKEY* ca_key, std::vector<Answer> script, Bytes issued,
             std::string caps = "POSTPKIOperation\nSHA-256\nAES\n")
        : m_ca(ca), m_ca_key(ca_key), m_script(std::move(script)), m_issued(std::move(issued)),
          m_caps(std::move(caps)) {
        m_listen = amtcfg::test::listen_loopback(m_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~FakeScep() {
        m_stop = true;
        ::shutdown(m_listen, SHUT_RDWR);
        m_thread.join();
        ::close(m_listen);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/scep"; }
    // The messageType of each PKIOperation received, in order ("19", "20", ...).
    std::vector<std::string> message_types() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_types;
    }

private:
    static int nid(const char* oid) {
        int out = OBJ_txt2nid(oid);
        return out != NID_undef ? out : OBJ_create(oid, nullptr, nullptr);
    }
    static std::string text_of(PKCS7_SIGNER_INFO* info, const char* oid) {
        ASN1_TYPE* value = PKCS7_get_signed_attribute(info, nid(oid));
        if (value == nullptr) {
            return "";
        }
        return std::string(
            reinterpret_cast<const char*>(ASN1_STRING_get0_data(value->value.asn1_string)),
            static_cast<std::size_t>(ASN1_STRING_length(value->value.asn1_string)));
    }
    static void add_string(PKCS7_SIGNER_INFO* info, const char* oid, int type,
                           const std::string& value) {
        ASN1_STRING* string = ASN1_STRING_type_new(type);
        ASN1_STRING_set(string, value.data(), static_cast<int>(value.size()));
        PKCS7_add_signed_attribute(info, nid(oid), type, string);
    }
    template <typename T, typename F> static Bytes der(T* value, F encode) {
        Bytes out(static_cast<std::size_t>(encode(value, nullptr)));
        unsigned char* cursor = out.data();
        encode(value, &cursor);
        return out;
    }

    // The CertRep for one PKIOperation body.
    std::string cert_rep(const std::string& body) {
        const auto* cursor = reinterpret_cast<const unsigned char*>(body.data());
        std::unique_ptr<PKCS7, Free_<PKCS7_free>> request(
            d2i_PKCS7(nullptr, &cursor, static_cast<long>(body.size())));
        REQUIRE(request);
        PKCS7_SIGNER_INFO* info =
            sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(request.get()), 0);
        X509* signer = sk_X509_value(request->d.sign->cert, 0);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_types.push_back(text_of(info, "2.16.840.1.113733.1.9.2"));
        }
        Answer answer = m_next < m_script.size() ? m_script[m_next++] : Answer::pending;
        std::unique_ptr<PKCS7, Free_<PKCS7_free>> reply(PKCS7_new());
        PKCS7_set_type(reply.get(), NID_pkcs7_signed);
        PKCS7_SIGNER_INFO* out = PKCS7_add_signature(reply.get(), m_ca, m_ca_key, EVP_sha256());
        PKCS7_add_signed_attribute(out, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                   OBJ_nid2obj(NID_pkcs7_data));
        add_string(out, "2.16.840.1.113733.1.9.2", V_ASN1_PRINTABLESTRING, "3");
        add_string(out, "2.16.840.1.113733.1.9.3", V_ASN1_PRINTABLESTRING,
                   answer == Answer::success ? "0" : "3");
        add_string(out, "2.16.840.1.113733.1.9.7", V_ASN1_PRINTABLESTRING,
                   text_of(info, "2.16.840.1.113733.1.9.7"));
        add_string(out, "2.16.840.1.113733.1.9.6", V_ASN1_OCTET_STRING,
                   text_of(info, "2.16.840.1.113733.1.9.5"));
        PKCS7_content_new(reply.get(), NID_pkcs7_data);
        Bytes content;
        if (answer == Answer::success) {
            // A degenerate PKCS#7 with the certificate, enveloped to the request's signer.
            std::unique_ptr<PKCS7, Free_<PKCS7_free>> bundle(PKCS7_new());
            PKCS7_set_type(bundle.get(), NID_pkcs7_signed);
            PKCS7_content_new(bundle.get(), NID_pkcs7_data);
            Cert issued = parse_der(m_issued);
            PKCS7_add_certificate(bundle.get(), issued.get());
            Bytes inner = der(bundle.get(), i2d_PKCS7);
            std::unique_ptr<BIO, Free_<BIO_free>> data(
                BIO_new_mem_buf(inner.data(), static_cast<int>(inner.size())));
            STACK_OF(X509)* recipients = sk_X509_new_null();
            sk_X509_push(recipients, signer);
            std::unique_ptr<PKCS7, Free_<PKCS7_free>> envelope(
                PKCS7_encrypt(recipients, data.get(), EVP_aes_128_cbc(), PKCS7_BINARY));
            sk_X509_free(recipients);
            content = der(envelope.get(), i2d_PKCS7);
        }
        BIO* bio = PKCS7_dataInit(reply.get(), nullptr);
        BIO_write(bio, content.data(), static_cast<int>(content.size()));
        BIO_flush(bio);
        PKCS7_dataFinal(reply.get(), bio);
        BIO_free_all(bio);
        Bytes out_der = der(reply.get(), i2d_PKCS7);
        return std::string(out_der.begin(), out_der.end());
    }

    std::string answer_for(const std::string& request) {
        auto body_at = request.find("\r\n\r\n") + 4;
        auto respond = [](const std::string& type, const std::string& body) {
            return "HTTP/1.1 200 OK\r\nContent-Type: " + type +
                   "\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\nConnection: close\r\n\r\n" + body;
        };
        if (request.find("operation=GetCACaps") != std::string::npos) {
            return respond("text/plain", m_caps);
        }
        if (request.find("operation=GetCACert") != std::string::npos) {
            Bytes ca = der(m_ca, i2d_X509);
            return respond("application/x-x509-ca-cert", std::string(ca.begin(), ca.end()));
        }
        return respond("application/x-pki-message", cert_rep(request.substr(body_at)));
    }

    bool complete(const std::string& request) const {
        auto end = request.find("\r\n\r\n");
        if (end == std::string::npos) {
            return false;
        }
        auto length = request.find("Content-Length: ");
        std::size_t body =
            length == std::string::npos ? 0 : std::stoul(request.substr(length + 16));
        return request.size() >= end + 4 + body;
    }

    void serve() {
        while (!m_stop) {
            int connection = ::accept(m_listen, nullptr, nullptr);
            if (connection < 0) {
                return;
            }
            std::string request;
            char data[4096];
            pollfd entry{connection, POLLIN, 0};
            while (!complete(request) && ::poll(&entry, 1, 5000) > 0) {
                ssize_t count = ::recv(connection, data, sizeof data, 0);
                if (count <= 0) {
                    break;
                }
                request.append(data, static_cast<std::size_t>(count));
            }
            std::string response = answer_for(request);
            ::send(connection, response.data(), response.size(), MSG_NOSIGNAL);
            ::close(connection);
        }
    }

    X509* m_ca;
    EVP_PKEY* m_ca_key;
    std::vector<Answer> m_script;
    std::size_t m_next = 0;
    Bytes m_issued;
    std::string m_caps;
    std::mutex m_mutex;
    std::vector<std::string> m_types;
    int m_listen = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace amtcfg::test

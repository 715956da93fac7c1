"""A MindLogger client's cryptography, written from spec §9 alone (not from the server's code):
the respondent's Diffie-Hellman key pair from password, email and user id, the AES key shared
with the applet, and AES-256-CBC/PKCS7 tokens ``"<iv hex>:<ciphertext hex>"``.

Integers travel as JSON lists of their minimal big-endian bytes, as the legacy clients write
them; the applet's own key pair is made here too, so the tests can read answers as the team does.
"""

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# RFC 3526's 1536-bit MODP group, not the server demo's: the client owns its parameters.
PRIME = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA237327FFFFFFFFFFFFFFFF",
    16,
)
BASE = 2


def to_bytes(value: int) -> bytes:
    """Minimal big-endian: no leading zero byte (zero itself is one byte)."""
    length = max(1, (value.bit_length() + 7) // 8)
    return value.to_bytes(length, "big")


def as_list(value: int) -> str:
    return json.dumps(list(to_bytes(value)))


def from_list(text: str) -> int:
    return int.from_bytes(bytes(json.loads(text)), "big")


def respondent_private(password: str, email: str, user_id: Any) -> int:
    email = email.lower()
    first = hashlib.sha512((password + email).encode("utf-8")).digest()
    second = hashlib.sha512((str(user_id) + email).encode("utf-8")).digest()
    assert len(first + second) == 128
    return int.from_bytes(first + second, "big")


@dataclass
class AppletKeys:
    """The applet's key pair, made by its owner's client; ``encryption`` is what #16 takes."""

    private: int
    account_id: str

    @classmethod
    def make(cls, account_id: Any) -> "AppletKeys":
        return cls(secrets.randbits(1024) | 1, str(account_id))

    @property
    def encryption(self) -> dict[str, str]:
        return {
            "publicKey": as_list(pow(BASE, self.private, PRIME)),
            "prime": as_list(PRIME),
            "base": as_list(BASE),
            "accountId": self.account_id,
        }

    def key_for(self, user_public_key: str) -> bytes:
        """The team's side of the agreement: the AES key of answers under that public key."""
        shared = pow(from_list(user_public_key), self.private, PRIME)
        return hashlib.sha256(to_bytes(shared)).digest()


@dataclass
class Respondent:
    """A respondent's client: derives its keys from the password it was logged in with."""

    email: str
    user_id: str
    password: str

    def private(self) -> int:
        return respondent_private(self.password, self.email, self.user_id)

    def public_key(self, encryption: dict[str, str]) -> str:
        prime, base = from_list(encryption["prime"]), from_list(encryption["base"])
        return as_list(pow(base, self.private(), prime))

    def aes_key(self, encryption: dict[str, str]) -> bytes:
        prime = from_list(encryption["prime"])
        shared = pow(from_list(encryption["publicKey"]), self.private(), prime)
        return hashlib.sha256(to_bytes(shared)).digest()


def encrypt(text: str, key: bytes) -> str:
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(text.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv.hex() + ":" + (encryptor.update(data) + encryptor.finalize()).hex()


def decrypt(token: str, key: bytes) -> str:
    iv_hex, body_hex = token.split(":")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(bytes.fromhex(iv_hex))).decryptor()
    data = decryptor.update(bytes.fromhex(body_hex)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")

package dev.txchat.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The web example in two real browsers (Debian's headless Chromium and chromedriver): an
 * operator and seller-acme. A message typed by one appears in the other without a reload
 * (the SSE stream), and the operator's unread badge clears after opening the thread. Leaves
 * a screenshot at {@code chat-examples/target/screenshot-operator.png}.
 *
 * <p>Skipped when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing, unless
 * the environment says {@code CI=true}: then it runs and fails. Install them with
 * {@code .ci/install-browser.sh}.
 */
class ChatWebBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static ConfigurableApplicationContext app;
    private static String base;
    private static WebDriver operator;
    private static WebDriver seller;
    private static Path profiles;
    private static boolean browsersPresent;

    @BeforeAll
    static void start() throws IOException {
        browsersPresent = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(browsersPresent, "CI=true but /usr/bin/chromium or /usr/bin/chromedriver is missing:"
                    + " run .ci/install-browser.sh");
        }
        if (!browsersPresent) {
            return; // skipped in @BeforeEach, with the reason
        }
        app = SpringApplication.run(ChatWebApp.class, "--server.port=0", "--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:h2:mem:txchat-browser-test;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        base = "http://127.0.0.1:" + port + "/";
        profiles = Files.createTempDirectory("txchat-chromium-");
        operator = browser("operator");
        seller = browser("seller");
    }

    @BeforeEach
    void needsBrowsers() {
        assumeTrue(browsersPresent, "ChatWebBrowserTest skipped: /usr/bin/chromium or /usr/bin/chromedriver is missing"
                + " (install them with .ci/install-browser.sh; with CI=true this test fails instead)");
    }

    private static WebDriver browser(String name) throws IOException {
        Path profile = Files.createDirectories(profiles.resolve(name));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws IOException {
        for (WebDriver driver : new WebDriver[] {operator, seller}) {
            if (driver != null) {
                driver.quit();
            }
        }
        if (app != null) {
            app.close();
        }
        if (profiles != null) {
            try (Stream<Path> files = Files.walk(profiles)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void operatorAndSellerChatLive() throws IOException {
        operator.get(base + "?as=operator");
        seller.get(base + "?as=seller-acme");
        waitLive(operator);
        waitLive(seller);

        // the seeded threads: the operator sees both sellers and the transaction chat
        WebElement acmeThread = wait(operator).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#conversations li[data-kind='ACCOUNT'][data-org='acme']")));
        assertThat(operator.findElements(By.cssSelector("#conversations li[data-kind='ACCOUNT'][data-org='globex']")))
                .hasSize(1);
        assertThat(operator.findElements(By.cssSelector("#conversations li[data-kind='TRANSACTION']"))).hasSize(1);
        assertThat(acmeThread.getText()).contains("Seller acme");

        // the seller writes in its account thread; it reaches the operator's list live
        By sellerThread = By.cssSelector("#conversations li[data-kind='ACCOUNT']");
        wait(seller).until(ExpectedConditions.elementToBeClickable(sellerThread)).click();
        send(seller, "Hello from acme, any news on my payout?");
        wait(operator).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#conversations li[data-org='acme'][data-kind='ACCOUNT'] .badge"), "2"));

        // the operator opens it: the message is there, marked read, the badge clears
        wait(operator).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#conversations li[data-kind='ACCOUNT'][data-org='acme']"))).click();
        waitMessage(operator, "Hello from acme, any news on my payout?");
        wait(operator).until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("#conversations li[data-org='acme'][data-kind='ACCOUNT'] .badge")));

        // the operator answers; the seller sees it without a reload
        send(operator, "Hi acme, it is paid tomorrow.");
        waitMessage(seller, "Hi acme, it is paid tomorrow.");
        waitMessage(operator, "Hi acme, it is paid tomorrow.");

        Path shot = Path.of("target", "screenshot-operator.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) operator).getScreenshotAs(OutputType.FILE).toPath(), shot,
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(shot).isNotEmptyFile();
    }

    /** Waits on a condition; an element the page re-rendered meanwhile (stale) just means "look again". */
    private static WebDriverWait wait(WebDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static void waitLive(WebDriver driver) {
        wait(driver).until(ExpectedConditions.textToBe(By.id("live"), "live"));
    }

    private static void send(WebDriver driver, String text) {
        WebElement input = wait(driver).until(ExpectedConditions.elementToBeClickable(By.id("message")));
        input.sendKeys(text);
        driver.findElement(By.id("send")).click();
        wait(driver).until(ExpectedConditions.attributeToBe(By.id("message"), "value", ""));
    }

    private static void waitMessage(WebDriver driver, String text) {
        wait(driver).until(d -> {
            List<WebElement> bodies = d.findElements(By.cssSelector("#messages .msg .body"));
            return bodies.stream().anyMatch(b -> text.equals(b.getText()));
        });
    }
}

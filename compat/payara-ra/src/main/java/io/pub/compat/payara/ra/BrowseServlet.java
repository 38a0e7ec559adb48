package io.pub.compat.payara.ra;

import jakarta.annotation.Resource;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;

/** {@code /browse?queue=DLQ}: the messages waiting on a queue, browsed through the pooled factory. */
@WebServlet("/browse")
public class BrowseServlet extends HttpServlet {
    @Resource(lookup = "java:app/jms/pub")
    ConnectionFactory factory;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int count = 0;
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            QueueBrowser browser = session.createBrowser(session.createQueue(request.getParameter("queue")));
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); e.nextElement()) {
                count++;
            }
        } catch (JMSException e) {
            throw new IOException(e);
        }
        response.setContentType("text/plain");
        response.getWriter().println("count=" + count);
    }
}
